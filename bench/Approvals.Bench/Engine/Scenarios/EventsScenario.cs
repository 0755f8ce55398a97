using System.Collections.Concurrent;
using System.Threading.Channels;
using Approvals.Bench.Shared;
using Approvals.Durable;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Bench.Engine.Scenarios;

/// <summary>
/// 500 instances shaped like an approval case: 4 checks fanned out, then a wait for an external event
/// (≥ 25 instances/s, from the first start to the last completion). Each instance's event is raised through the
/// host's client as soon as its 4th activity has run — the moment an approver could first act — so events race the
/// orchestrator: some arrive while it is still recording the checks (before it waits; they must be kept), the rest
/// while it waits.
/// </summary>
internal sealed class EventsScenario : IEngineScenario
{
    private const int Instances = 500;
    private const int StartConcurrency = 32;
    private const int RaiseConcurrency = 16;

    public string Name => "events";

    public TimeSpan Timeout => TimeSpan.FromMinutes(3);

    public async Task<IReadOnlyList<BenchRow>> RunAsync(ScenarioRun run, CancellationToken ct)
    {
        await using var host = await BenchHost.StartAsync(Name, r => r.AddOrchestrator<CaseOrchestrator>().AddActivity<CheckActivity>(), s => s.AddSingleton<ApprovalDesk>(), ct);
        var desk = host.Services.GetRequiredService<ApprovalDesk>();
        run.Log.Say($"hub {host.HubName}; warm-up (20 instances)");
        await RunOnceAsync(run, host, desk, 20, ct);

        run.Log.Say($"{Instances} instances × (4 activities + 1 event)");
        var m = await RunOnceAsync(run, host, desk, Instances, ct);
        run.Explain($"{Instances} instances", m, Instances, "instance");
        var rate = Instances / m.Elapsed.TotalSeconds;
        return
        [
            new("500 instances × (4 fanned-out activities + 1 external event)", "≥ 25 instances/s",
                FormattableString.Invariant($"{rate:0.0} instances/s ({m.Elapsed.TotalSeconds:0.0} s)"), m.Requests.Per(Instances, "instance"), rate >= 25),
        ];
    }

    private static async Task<Measured> RunOnceAsync(ScenarioRun run, BenchHost host, ApprovalDesk desk, int count, CancellationToken ct)
    {
        host.Probe.Expect(count);
        desk.Reset();
        var prefix = $"case{Guid.NewGuid():N}"[..12] + "-";
        var started = 0;
        var window = run.Begin(host);
        await using (run.Log.Every(TimeSpan.FromSeconds(2), () => $"  started {started}, events raised {desk.Raised}, returned {host.Probe.Returned} of {count}"))
        {
            var raisers = Enumerable.Range(0, RaiseConcurrency).Select(_ => desk.RaiseEventsAsync(host.Client, ct)).ToList();
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = StartConcurrency, CancellationToken = ct }, async (i, token) =>
            {
                await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(CaseOrchestrator), i, new StartOrchestrationOptions($"{prefix}{i:D4}"), token);
                Interlocked.Increment(ref started);
            });
            await host.Probe.AllReturned.WaitAsync(ct);
            await host.WaitAllCompletedAsync(prefix, count, TimeSpan.FromMilliseconds(20), ct);
            var measured = window.Stop();
            desk.Close();
            await Task.WhenAll(raisers);
            return measured;
        }
    }
}

/// <summary>Four checks at once, then the decision.</summary>
internal sealed class CaseOrchestrator(CompletionProbe probe) : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        var checks = new Task<int>[4];
        for (var i = 0; i < checks.Length; i++)
        {
            checks[i] = context.CallActivityAsync<int>(nameof(CheckActivity), i);
        }

        var results = await Task.WhenAll(checks);
        var approved = await context.WaitForExternalEvent<bool>(ApprovalDesk.EventName);
        probe.Returning(context);
        return results.Sum() + (approved ? 1 : 0);
    }
}

/// <summary>A check that tells the desk when a case has had all four.</summary>
internal sealed class CheckActivity(ApprovalDesk desk) : TaskActivity<int, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, int input)
    {
        desk.CheckDone(context.InstanceId);
        return Task.FromResult(input);
    }
}

/// <summary>Plays the approver: raises each case's event once its four checks have run.</summary>
internal sealed class ApprovalDesk
{
    public const string EventName = "approval";
    private ConcurrentDictionary<string, int> _checks = new(StringComparer.Ordinal);
    private Channel<string> _ready = Channel.CreateUnbounded<string>();
    private int _raised;

    public int Raised => Volatile.Read(ref _raised);

    public void Reset()
    {
        _checks = new(StringComparer.Ordinal);
        _ready = Channel.CreateUnbounded<string>();
        _raised = 0;
    }

    public void Close() => _ready.Writer.TryComplete();

    public void CheckDone(string instanceId)
    {
        // Activities run at least once: the fourth run raises the event, a re-run fifth does not raise it again.
        if (_checks.AddOrUpdate(instanceId, 1, (_, n) => n + 1) == 4)
        {
            _ready.Writer.TryWrite(instanceId);
        }
    }

    public async Task RaiseEventsAsync(DurableTaskClient client, CancellationToken ct)
    {
        await foreach (var id in _ready.Reader.ReadAllAsync(ct))
        {
            await client.RaiseEventAsync(id, EventName, true, ct);
            Interlocked.Increment(ref _raised);
        }
    }
}
