using Approvals.Bench.Shared;
using Approvals.Durable;

namespace Approvals.Bench.Engine.Scenarios;

/// <summary>100 activities one after another in one instance (≥ 50 activities/s): one episode per step, so this is the per-step latency.</summary>
internal sealed class SequentialScenario : IEngineScenario
{
    private const int Activities = 100;
    private const int Runs = 3;

    public string Name => "sequential";

    public TimeSpan Timeout => TimeSpan.FromMinutes(2);

    public async Task<IReadOnlyList<BenchRow>> RunAsync(ScenarioRun run, CancellationToken ct)
    {
        await using var host = await BenchHost.StartAsync(Name, r => r.AddOrchestrator<SequenceOrchestrator>().AddActivity<EchoActivity>(), null, ct);
        run.Log.Say($"hub {host.HubName}; warm-up (10 sequential activities)");
        await RunOnceAsync(host, run, 10, ct);

        var results = new List<Measured>();
        for (var i = 1; i <= Runs; i++)
        {
            var m = await RunOnceAsync(host, run, Activities, ct);
            run.Log.Say(FormattableString.Invariant($"run {i}: {Activities / m.Elapsed.TotalSeconds:0} activities/s, {m.Requests.Total / (double)Activities:0.00} requests/activity"));
            results.Add(m);
        }

        var median = Stats.Median(results, m => m.Elapsed.TotalSeconds);
        run.Explain($"{Activities} sequential activities (median run)", median, Activities, "activity");
        var rate = Activities / median.Elapsed.TotalSeconds;
        var all = string.Join(", ", results.Select(m => FormattableString.Invariant($"{Activities / m.Elapsed.TotalSeconds:0}")));
        return
        [
            new("100 sequential activities, one instance", "≥ 50 activities/s",
                FormattableString.Invariant($"{rate:0} activities/s (median of {Runs}: {all}; {median.Elapsed.TotalMilliseconds / Activities:0.0} ms/step)"),
                median.Requests.Per(Activities, "activity"), rate >= 50),
        ];
    }

    private static async Task<Measured> RunOnceAsync(BenchHost host, ScenarioRun run, int count, CancellationToken ct)
    {
        host.Probe.Expect(1);
        var window = run.Begin(host);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(SequenceOrchestrator), count, cancellationToken: ct);
        await host.Probe.AllReturned.WaitAsync(ct);
        var done = await host.WaitCompletedAsync(id, ct);
        var measured = window.Stop();
        return done.ReadOutputAs<int>() == count * (count - 1) / 2
            ? measured
            : throw new InvalidOperationException($"Sequence returned {done.ReadOutputAs<int>()}.");
    }
}

/// <summary>Calls <c>input</c> activities one after another.</summary>
internal sealed class SequenceOrchestrator(CompletionProbe probe) : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        var sum = 0;
        for (var i = 0; i < input; i++)
        {
            sum += await context.CallActivityAsync<int>(nameof(EchoActivity), i);
        }

        probe.Returning(context);
        return sum;
    }
}
