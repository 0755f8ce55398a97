using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Approvals.Bench.Engine.Diagnostics;
using Approvals.Bench.Shared;
using Approvals.Durable;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Bench.Engine.Scenarios;

/// <summary>
/// <c>RaiseEventAsync</c> → the orchestration's next step executed, on an idle instance (p50 ≤ 10 ms, p99 ≤ 50 ms).
/// One instance loops: wait for "ping" → call an activity that stamps <see cref="Stopwatch"/> time → wait again.
/// A sample runs from just before <c>RaiseEventAsync</c> (host's own client, as the app calls it) to the activity's
/// stamp: inbox write, wake-up, episode (replay and commit), activity dispatch. Pauses of 50–200 ms between samples let the
/// previous step commit, plus a few samples after ≥ 1.5 s of idleness (idle polling must not delay a local event).
/// </summary>
internal sealed class LatencyScenario : IEngineScenario
{
    private const int WarmUp = 20;
    private const int Samples = 200;
    private const int IdleSamples = 5;
    private const double SlowMs = 20;
    private const double StallMs = 20;
    private static readonly TimeSpan LongIdle = TimeSpan.FromSeconds(1.6);

    public string Name => "latency";

    public TimeSpan Timeout => TimeSpan.FromMinutes(2);

    public async Task<IReadOnlyList<BenchRow>> RunAsync(ScenarioRun run, CancellationToken ct)
    {
        await using var host = await BenchHost.StartAsync(Name, r => r.AddOrchestrator<PingOrchestrator>().AddActivity<StampActivity>(), s => s.AddSingleton<LatencyProbe>(), ct);
        var probe = host.Services.GetRequiredService<LatencyProbe>();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(PingOrchestrator), WarmUp + Samples + IdleSamples, cancellationToken: ct);
        var random = new Random(42);
        var n = 0;
        run.Log.Say($"hub {host.HubName}; warm-up ({WarmUp} events)");
        for (var i = 0; i < WarmUp; i++)
        {
            await Task.Delay(50, ct);
            await SampleAsync(host, probe, id, n++, ct);
        }

        var probeTable = await host.CreateProbeTableAsync(ct);
        var window = run.Begin(host);
        var samples = new List<Sample>();
        Measured m;
        run.Calls.StartTimeline();
        await using (var stalls = AzuriteStallProbe.Start(probeTable, TimeSpan.FromMilliseconds(50)))
        {
            await using (run.Log.Every(TimeSpan.FromSeconds(5), () => $"  {samples.Count}/{Samples + IdleSamples} samples"))
            {
                for (var i = 0; i < Samples + IdleSamples; i++)
                {
                    await Task.Delay(i < Samples ? TimeSpan.FromMilliseconds(random.Next(50, 201)) : LongIdle, ct);
                    samples.Add(await SampleAsync(host, probe, id, n++, ct));
                }
            }

            m = window.Stop();
            Explain(run, samples, stalls, run.Calls.StopTimeline());
        }

        run.Explain($"{samples.Count} events (with idle gaps: background polling included)", m, samples.Count, "event");
        var latencies = samples.Select(x => x.LatencyMs).ToList();
        var idleMax = latencies.Skip(Samples).Max();
        var (p50, p90, p99, max) = (Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 90), Stats.Percentile(latencies, 99), latencies.Max());
        return
        [
            new("RaiseEventAsync → the orchestration's next step executed (instance idle before)", "p50 ≤ 10 ms, p99 ≤ 50 ms",
                FormattableString.Invariant($"p50 {p50:0.0} ms, p90 {p90:0.0} ms, p99 {p99:0.0} ms, max {max:0.0} ms (n = {latencies.Count}; after ≥ 1.5 s idle max {idleMax:0.0} ms)"),
                m.Requests.Per(latencies.Count, "event"), p50 <= 10 && p99 <= 50),
        ];
    }

    /// <summary>Where the time goes: the inbox write, the rest, and which slow samples Azurite itself stalled.</summary>
    private static void Explain(ScenarioRun run, List<Sample> samples, AzuriteStallProbe stalls, IReadOnlyList<TimedCall> timeline)
    {
        var raise = samples.Select(x => x.RaiseMs).ToList();
        var rest = samples.Select(x => x.LatencyMs - x.RaiseMs).ToList();
        var idle = string.Join(", ", samples.Skip(Samples).Select(x => x.LatencyMs.ToString("0.0", CultureInfo.InvariantCulture)));
        var slow = samples.Where(x => x.LatencyMs > SlowMs).ToList();
        var stalled = slow.Count(x => stalls.StalledDuring(x.From, x.To, StallMs));
        var clean = samples.Where(x => !stalls.StalledDuring(x.From, x.To, StallMs)).Select(x => x.LatencyMs).ToList();
        var reads = stalls.ReadMs();
        Say(run, FormattableString.Invariant(
            $"RaiseEventAsync call (inbox write): p50 {Stats.Percentile(raise, 50):0.0} ms, p99 {Stats.Percentile(raise, 99):0.0} ms, max {raise.Max():0.0} ms"));
        Say(run, FormattableString.Invariant(
            $"from its return to the activity start: p50 {Stats.Percentile(rest, 50):0.0} ms, p99 {Stats.Percentile(rest, 99):0.0} ms, max {rest.Max():0.0} ms"));
        Say(run, $"after ≥ 1.5 s idle: {idle} ms");
        Say(run, FormattableString.Invariant(
            $"Azurite alone (a point read every 50 ms on another connection): p50 {Stats.Percentile(reads, 50):0.0} ms, p99 {Stats.Percentile(reads, 99):0.0} ms, max {reads.Max():0.0} ms, {reads.Count(r => r > StallMs)} reads > {StallMs} ms"));
        Say(run, FormattableString.Invariant(
            $"{slow.Count} samples > {SlowMs} ms, {stalled} of them during an Azurite stall; without samples overlapping a stall (n = {clean.Count}): p50 {Stats.Percentile(clean, 50):0.0} ms, p99 {Stats.Percentile(clean, 99):0.0} ms, max {clean.DefaultIfEmpty().Max():0.0} ms"));

        // Per slow sample: the engine's storage calls inside its interval (time clipped to it), and what is left over.
        var byOp = new Dictionary<string, double>(StringComparer.Ordinal);
        var outside = 0.0;
        foreach (var x in slow.OrderByDescending(x => x.LatencyMs))
        {
            var inside = timeline.Where(c => c.Start < x.To && c.End > x.From)
                .Select(c => (c.Operation, Ms: Stopwatch.GetElapsedTime(Math.Max(c.Start, x.From), Math.Min(c.End, x.To)).TotalMilliseconds))
                .ToList();
            foreach (var (op, ms) in inside)
            {
                byOp[op] = byOp.GetValueOrDefault(op) + ms;
            }

            var covered = Covered(timeline, x.From, x.To);
            outside += x.LatencyMs - covered;
            Say(run, FormattableString.Invariant(
                $"  slow sample {x.LatencyMs,6:0.0} ms{(stalls.StalledDuring(x.From, x.To, StallMs) ? " (Azurite stall)" : "")}: {string.Join(", ", inside.Select(c => $"{c.Operation} {c.Ms:0.0}"))}; no storage call in flight {x.LatencyMs - covered:0.0} ms"));
        }

        if (slow.Count > 0)
        {
            Say(run, FormattableString.Invariant(
                $"slow samples' time by storage call: {string.Join(", ", byOp.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value:0} ms"))}; with no call in flight {outside:0} ms"));
        }

        void Say(ScenarioRun r, string line)
        {
            r.Log.Say(line);
            r.Details.Add("  " + line + "\n");
        }
    }

    /// <summary>Milliseconds of [from, to] during which at least one storage call was in flight.</summary>
    private static double Covered(IReadOnlyList<TimedCall> timeline, long from, long to)
    {
        var covered = 0L;
        var until = from;
        foreach (var c in timeline.Where(c => c.Start < to && c.End > from).OrderBy(c => c.Start))
        {
            var start = Math.Max(c.Start, until);
            var end = Math.Min(c.End, to);
            if (end > start)
            {
                covered += end - start;
                until = end;
            }
        }

        return covered * 1000.0 / Stopwatch.Frequency;
    }

    private static async Task<Sample> SampleAsync(BenchHost host, LatencyProbe probe, string id, int n, CancellationToken ct)
    {
        var stamped = probe.Expect(n);
        var before = Stopwatch.GetTimestamp();
        await host.Client.RaiseEventAsync(id, PingOrchestrator.EventName, n, ct);
        var raised = Stopwatch.GetTimestamp();
        var at = await stamped.WaitAsync(TimeSpan.FromSeconds(10), ct);
        return new(Stopwatch.GetElapsedTime(before, at).TotalMilliseconds, Stopwatch.GetElapsedTime(before, raised).TotalMilliseconds, before, at);
    }

    /// <summary>One event: total latency, the RaiseEventAsync call alone, and the Stopwatch interval it spans.</summary>
    private readonly record struct Sample(double LatencyMs, double RaiseMs, long From, long To);
}

/// <summary>Waits for a ping, runs one step, waits again — <c>input</c> times.</summary>
internal sealed class PingOrchestrator : TaskOrchestrator<int, int>
{
    public const string EventName = "ping";

    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        for (var i = 0; i < input; i++)
        {
            var n = await context.WaitForExternalEvent<int>(EventName);
            await context.CallActivityAsync(nameof(StampActivity), n);
        }

        return input;
    }
}

/// <summary>The next step: records when it started.</summary>
internal sealed class StampActivity(LatencyProbe probe) : TaskActivity<int, bool>
{
    public override Task<bool> RunAsync(TaskActivityContext context, int input) => Task.FromResult(probe.Stamp(input));
}

/// <summary>Stopwatch timestamps of the activity starts, by sample number.</summary>
internal sealed class LatencyProbe
{
    private readonly ConcurrentDictionary<int, TaskCompletionSource<long>> _stamps = new();

    public Task<long> Expect(int n) => _stamps.GetOrAdd(n, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public bool Stamp(int n)
    {
        var now = Stopwatch.GetTimestamp();
        return _stamps.GetOrAdd(n, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(now);
    }
}
