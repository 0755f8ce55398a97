using System.Diagnostics;
using Approvals.Bench.Shared;
using Approvals.Durable;

namespace Approvals.Bench.Engine.Scenarios;

/// <summary>
/// 10,000 instances idle, each waiting for an event: host working set ≤ 300 MB. The whole bench process is the host,
/// so the figure includes the harness. Also reports what starting them cost and what idling costs in storage requests.
/// The instances are left waiting; the hub is deleted with the host.
/// </summary>
internal sealed class IdleScenario : IEngineScenario
{
    private const int Instances = 10_000;
    private const int StartConcurrency = 64;
    private const long TargetBytes = 300L * 1024 * 1024;
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(5);

    public string Name => "idle";

    public TimeSpan Timeout => TimeSpan.FromMinutes(5);

    public async Task<IReadOnlyList<BenchRow>> RunAsync(ScenarioRun run, CancellationToken ct)
    {
        await using var host = await BenchHost.StartAsync(Name, r => r.AddOrchestrator<IdleOrchestrator>(), null, ct);
        run.Log.Say($"hub {host.HubName}; warm-up (50 instances started and completed)");
        var warmEpisodes = run.Meter.Episodes;
        var warm = Enumerable.Range(0, 50).Select(i => $"warm-{i:D2}").ToArray();
        foreach (var id in warm)
        {
            await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(IdleOrchestrator), 0, new StartOrchestrationOptions(id), ct);
        }

        await WaitForEpisodesAsync(run, warmEpisodes + warm.Length, ct);
        await Task.WhenAll(warm.Select(id => host.Client.RaiseEventAsync(id, IdleOrchestrator.EventName, true, ct)));
        await Task.WhenAll(warm.Select(id => host.WaitCompletedAsync(id, ct)));
        var before = MemoryNow();

        run.Log.Say($"starting {Instances} instances (working set now {Machine.Mb(before.WorkingSet)})");
        var episodesBefore = run.Meter.Episodes;
        var window = run.Begin(host);
        var started = 0;
        await using (run.Log.Every(TimeSpan.FromSeconds(3), () => $"  started {started}, first episodes done {run.Meter.Episodes - episodesBefore} of {Instances}, working set {Machine.Mb(Environment.WorkingSet)}"))
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, Instances), new ParallelOptions { MaxDegreeOfParallelism = StartConcurrency, CancellationToken = ct }, async (i, token) =>
            {
                await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(IdleOrchestrator), i, new StartOrchestrationOptions($"idle-{i:D5}"), token);
                Interlocked.Increment(ref started);
            });
            await WaitForEpisodesAsync(run, episodesBefore + Instances, ct);
        }

        var startCost = window.Stop();
        var running = 0;
        for (var attempt = 0; (running = await host.CountAsync([OrchestrationRuntimeStatus.Running], "idle-", ct)) != Instances; attempt++)
        {
            if (attempt == 50)
            {
                throw new InvalidOperationException($"{running} of {Instances} instances are Running.");
            }

            await Task.Delay(100, ct);
        }

        run.Log.Say(FormattableString.Invariant($"all {Instances} Running after {startCost.Elapsed.TotalSeconds:0.0} s ({Instances / startCost.Elapsed.TotalSeconds:0} starts/s); idling {IdleWindow.TotalSeconds:0} s"));
        run.Explain($"starting {Instances} waiting instances", startCost, Instances, "instance");
        var idleWindow = run.Begin(host);
        await Task.Delay(IdleWindow, ct);
        var idle = idleWindow.Stop();
        var after = MemoryNow();
        run.Explain($"{IdleWindow.TotalSeconds:0} s idle with {Instances} waiting", idle, idle.Elapsed.TotalSeconds, "s");

        var measured = FormattableString.Invariant(
            $"working set {Machine.Mb(after.WorkingSet)}, GC heap {Machine.Mb(after.Heap)} (before start: {Machine.Mb(before.WorkingSet)}, {Machine.Mb(before.Heap)})");
        var storage = FormattableString.Invariant(
            $"start {startCost.Requests.Per(Instances, "instance")}; idle {idle.Requests.Total / idle.Elapsed.TotalSeconds:0.0}/s");
        return [new("10,000 instances idle waiting for events", "host working set ≤ 300 MB", measured, storage, after.WorkingSet <= TargetBytes)];
    }

    /// <summary>Waits until the engine has committed <paramref name="target"/> episodes (each start is one).</summary>
    private static async Task WaitForEpisodesAsync(ScenarioRun run, long target, CancellationToken ct)
    {
        while (run.Meter.Episodes < target)
        {
            await Task.Delay(20, ct);
        }
    }

    /// <summary>After full blocking, compacting collections: what the host keeps, not garbage not yet collected.</summary>
    private static (long WorkingSet, long Heap) MemoryNow()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        using var process = Process.GetCurrentProcess();
        return (process.WorkingSet64, GC.GetGCMemoryInfo().HeapSizeBytes);
    }
}

/// <summary>Waits for one event, then completes.</summary>
internal sealed class IdleOrchestrator : TaskOrchestrator<int, bool>
{
    public const string EventName = "go";

    public override Task<bool> RunAsync(TaskOrchestrationContext context, int input)
        => context.WaitForExternalEvent<bool>(EventName);
}
