using Approvals.Durable.TestHost;

namespace Approvals.Durable.Tests;

/// <summary>
/// Real processes, real SIGKILL. The test process is only a client (WorkerEnabled = false); workers run in
/// tests/Approvals.Durable.TestHost processes sharing one task hub.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private readonly string _log = Path.Combine(Path.GetTempPath(), $"approvals-worklog-{Guid.NewGuid():N}.txt");

    public void Dispose() => File.Delete(_log);

    [Fact]
    public async Task HostKilledMidFanOut_Restarted_AllInstancesCompleteWithEveryStepOnce()
    {
        var hub = EngineHost.NewHubName("k");
        await using var client = await EngineHost.StartAsync(r => r.AddOrchestrator<CrashFanOut>(), o => o.WorkerEnabled = false, hubName: hub);
        var ct = Wait.Timeout(180);
        var ids = new List<string>();
        using (var doomed = await HostProcess.StartAsync(hub, "host-a", _log))
        {
            for (var i = 0; i < 50; i++)
            {
                ids.Add(await client.Client.ScheduleNewOrchestrationInstanceAsync(nameof(CrashFanOut), new CrashFanOutInput(8, 300), new StartOrchestrationOptions($"crash-{i:D2}"), ct));
            }

            // Kill while fan-outs are in flight: some activities have run, no instance has finished.
            await Wait.UntilAsync(() => Task.FromResult(File.Exists(_log) && File.ReadAllLines(_log).Length >= 150), TimeSpan.FromSeconds(60), "fan-outs under way");
            doomed.Kill();
        }

        var finishedBeforeKill = 0;
        foreach (var id in ids)
        {
            finishedBeforeKill += (await client.Client.GetInstanceAsync(id, cancellationToken: ct))!.IsCompleted ? 1 : 0;
        }

        finishedBeforeKill.Should().BeLessThan(50, "the kill must hit instances mid-flight");

        using var restarted = await HostProcess.StartAsync(hub, "host-a", _log);
        foreach (var id in ids)
        {
            var done = await client.Client.WaitForInstanceCompletionAsync(id, true, ct);
            done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ErrorMessage);
            done.ReadOutputAs<int>().Should().Be(Enumerable.Range(0, 8).Sum() + 3000);
            await AssertEachStepOnceAsync(client.Client, id, ct);
        }

        // Activities are at-least-once: the kill may cause re-runs, but every one ran at least once.
        var runs = File.ReadAllLines(_log);
        runs.Distinct().Should().HaveCount(50 * 10);
    }

    [Fact]
    public async Task TwoHostProcesses_OneKilled_PartitionsMoveAndEveryInstanceCompletesOnce()
    {
        var hub = EngineHost.NewHubName("m");
        await using var client = await EngineHost.StartAsync(r => r.AddOrchestrator<CrashFanOut>(), o => o.WorkerEnabled = false, hubName: hub);
        var ct = Wait.Timeout(180);
        using var a = await HostProcess.StartAsync(hub, "host-a", _log);
        using var b = await HostProcess.StartAsync(hub, "host-b", _log);
        await Wait.UntilAsync(async () => (await LeaseOwnersAsync(client, hub)).Distinct().Count() == 2, TimeSpan.FromSeconds(30), "both hosts own partitions");

        var ids = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add(await client.Client.ScheduleNewOrchestrationInstanceAsync(nameof(CrashFanOut), new CrashFanOutInput(4, 200), new StartOrchestrationOptions($"multi-{i:D2}"), ct));
        }

        await Wait.UntilAsync(() => Task.FromResult(File.Exists(_log) && File.ReadAllLines(_log).Length >= 40), TimeSpan.FromSeconds(60), "work under way on both hosts");
        a.Kill();

        // Within the lease TTL (4 s) plus a renewal period, host-b owns all four partitions.
        await Wait.UntilAsync(async () => (await LeaseOwnersAsync(client, hub)).All(o => o == "host-b"), TimeSpan.FromSeconds(20), "partitions moved to host-b");
        foreach (var id in ids)
        {
            var done = await client.Client.WaitForInstanceCompletionAsync(id, true, ct);
            done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ErrorMessage);
            await AssertEachStepOnceAsync(client.Client, id, ct);
        }
    }

    private static async Task AssertEachStepOnceAsync(DurableTaskClient client, string id, CancellationToken ct)
    {
        var history = await client.GetOrchestrationHistoryAsync(id, ct);
        history.Count(e => e.EventType == "ExecutionStarted").Should().Be(1, id);
        history.Count(e => e.EventType == "ExecutionCompleted").Should().Be(1, id);
        var scheduled = history.Where(e => e.EventType == "TaskScheduled").Select(e => e.TaskId).ToList();
        var completed = history.Where(e => e.EventType == "TaskCompleted").Select(e => e.TaskId).ToList();
        scheduled.Should().OnlyHaveUniqueItems(id).And.BeEquivalentTo(completed, id);
        completed.Should().OnlyHaveUniqueItems(id);
    }

    private static async Task<List<string>> LeaseOwnersAsync(EngineHost client, string hub)
    {
        var table = client.Storage.Tables.GetTableClient($"{hub}Partitions");
        var owners = new List<string>();
        try
        {
            await foreach (var row in table.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == "lease"))
            {
                if (row.GetDateTimeOffset("Expires") > DateTimeOffset.UtcNow)
                {
                    owners.Add(row.GetString("Owner"));
                }
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // The host processes have not created the hub's tables yet (the client here runs no worker).
        }

        return owners.Count == 4 ? owners : [.. owners, "none"];
    }
}
