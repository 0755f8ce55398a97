using Approvals.Bench.Shared;
using Approvals.Durable;

namespace Approvals.Bench.Engine.Scenarios;

/// <summary>
/// Fan-out/fan-in of 1,000 activities in one instance: throughput (≥ 200 activities/s) and storage requests per
/// activity (≤ 4). Three measured runs on one warmed-up host; the median is reported. The activities return at once,
/// so nearly all results reach the instance together and fan in within one or two episodes; an extra run with
/// activities of 1–20 ms each (results trickling in, many episodes) is reported for information.
/// </summary>
internal sealed class FanOutScenario : IEngineScenario
{
    private const int Activities = 1000;
    private const int Runs = 3;

    public string Name => "fanout";

    public TimeSpan Timeout => TimeSpan.FromMinutes(3);

    public async Task<IReadOnlyList<BenchRow>> RunAsync(ScenarioRun run, CancellationToken ct)
    {
        await using var host = await BenchHost.StartAsync(Name, r => r.AddOrchestrator<FanOutOrchestrator>().AddActivity<EchoActivity>().AddActivity<SleepyActivity>(), null, ct);
        run.Log.Say($"hub {host.HubName}; warm-up (fan-out of 100)");
        await RunOnceAsync(run, host, new(100, nameof(EchoActivity)), ct);
        await RunOnceAsync(run, host, new(100, nameof(SleepyActivity)), ct);

        var results = new List<Measured>();
        for (var i = 1; i <= Runs; i++)
        {
            var m = await RunOnceAsync(run, host, new(Activities, nameof(EchoActivity)), ct);
            run.Log.Say(FormattableString.Invariant($"run {i}: {Activities / m.Elapsed.TotalSeconds:0} activities/s, {m.Requests.Total / (double)Activities:0.00} requests/activity"));
            results.Add(m);
        }

        var median = Stats.Median(results, m => m.Elapsed.TotalSeconds);
        run.Explain($"fan-out of {Activities} (median run)", median, Activities, "activity");
        var sleepy = await RunOnceAsync(run, host, new(Activities, nameof(SleepyActivity)), ct);
        run.Explain($"fan-out of {Activities} activities of 1–20 ms (info)", sleepy, Activities, "activity");
        var rate = Activities / median.Elapsed.TotalSeconds;
        var perActivity = median.Requests.Total / (double)Activities;
        var all = string.Join(", ", results.Select(m => FormattableString.Invariant($"{Activities / m.Elapsed.TotalSeconds:0}")));
        var storage = median.Requests.Per(Activities, "activity");
        return
        [
            new("fan-out/fan-in of 1,000 activities, one instance", "≥ 200 activities/s",
                FormattableString.Invariant($"{rate:0} activities/s (median of {Runs}: {all}; {median.Elapsed.TotalSeconds:0.00} s)"), storage, rate >= 200),
            new("storage requests per activity, fan-out run", "≤ 4", FormattableString.Invariant($"{perActivity:0.00}"), storage, perActivity <= 4),
            new("(info) fan-out/fan-in of 1,000 activities of 1–20 ms each", "–",
                FormattableString.Invariant($"{Activities / sleepy.Elapsed.TotalSeconds:0} activities/s ({sleepy.Episodes} episodes)"), sleepy.Requests.Per(Activities, "activity"), null),
        ];
    }

    private static async Task<Measured> RunOnceAsync(ScenarioRun run, BenchHost host, FanOutInput input, CancellationToken ct)
    {
        var count = input.Count;
        host.Probe.Expect(1);
        var activitiesBefore = run.Meter.Activities;
        var window = run.Begin(host);
        await using (run.Log.Every(TimeSpan.FromSeconds(1), () => $"  {run.Meter.Activities - activitiesBefore}/{count} activities run"))
        {
            var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(FanOutOrchestrator), input, cancellationToken: ct);
            await host.Probe.AllReturned.WaitAsync(ct);
            var done = await host.WaitCompletedAsync(id, ct);
            var measured = window.Stop();
            var expected = count * (count - 1) / 2;
            return done.ReadOutputAs<int>() == expected
                ? measured
                : throw new InvalidOperationException($"Fan-out returned {done.ReadOutputAs<int>()}, expected {expected}.");
        }
    }
}

/// <summary>How many activities to fan out, and which.</summary>
internal sealed record FanOutInput(int Count, string Activity);

/// <summary>Calls <see cref="FanOutInput.Count"/> activities at once and sums their results.</summary>
internal sealed class FanOutOrchestrator(CompletionProbe probe) : TaskOrchestrator<FanOutInput, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, FanOutInput input)
    {
        var calls = new Task<int>[input.Count];
        for (var i = 0; i < input.Count; i++)
        {
            calls[i] = context.CallActivityAsync<int>(input.Activity, i);
        }

        var results = await Task.WhenAll(calls);
        probe.Returning(context);
        return results.Sum();
    }
}

/// <summary>Returns its input: the engine's overhead is all there is to measure.</summary>
internal sealed class EchoActivity : TaskActivity<int, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, int input) => Task.FromResult(input);
}

/// <summary>Returns its input after 1–20 ms, so results reach the orchestrator spread out rather than all at once.</summary>
internal sealed class SleepyActivity : TaskActivity<int, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, int input)
    {
        await Task.Delay(1 + (input * 7 % 20), context.CancellationToken);
        return input;
    }
}
