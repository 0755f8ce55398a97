using Approvals.Durable.Storage;
using Azure.Data.Tables;

namespace Approvals.Durable.Tests;

/// <summary>
/// Checkpoint coalescing (<see cref="DurableTaskOptions.CheckpointCoalescing"/>): episodes that only record a result and
/// schedule more work are committed with a later one, never lost and never later than the window. Crash safety with
/// coalescing on (the default) is what <see cref="CrashTests"/> shows.
/// </summary>
public sealed class CheckpointCoalescingTests
{
    private const int EnginePartitions = 4; // EngineHost's

    [Theory]
    [InlineData(100, true)]
    [InlineData(0, false)]
    public async Task SequentialActivities_HeldEpisodesCommitTogether_HistoryCompleteEitherWay(int windowMs, bool coalesced)
    {
        await using var host = await EngineHost.StartAsync(r => r.AddOrchestrator<EchoChain>().AddActivity<Echo>(), o => o.CheckpointCoalescing = TimeSpan.FromMilliseconds(windowMs));
        var ct = Wait.Timeout();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(EchoChain), 20, cancellationToken: ct);
        var done = await host.Client.WaitForInstanceCompletionAsync(id, true, ct);

        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ErrorMessage);
        done.ReadOutputAs<int>().Should().Be(20);
        var history = await host.Client.GetOrchestrationHistoryAsync(id, ct);
        history.Where(e => e.EventType == "TaskScheduled").Select(e => e.TaskId).Should().Equal(Enumerable.Range(0, 20).Select(i => (int?)i));
        history.Where(e => e.EventType == "TaskCompleted").Select(e => e.TaskId).Should().Equal(Enumerable.Range(0, 20).Select(i => (int?)i));

        // 21 episodes (start, then one per result); each commit is one history row.
        var rows = await HistoryRowsAsync(host, id, ct);
        if (coalesced)
        {
            rows.Should().BeLessThan(21, "episodes that only record a result and schedule the next activity ride with a later commit");
        }
        else
        {
            rows.Should().Be(21, "without coalescing every episode commits");
        }
    }

    [Fact]
    public async Task ActivityResultBeforeALongWait_CommittedWithinTheWindowWithoutAnotherEpisode()
    {
        await using var host = await EngineHost.StartAsync(r => r.AddOrchestrator<ActivityThenWait>().AddActivity<Echo>(), o => o.CheckpointCoalescing = TimeSpan.FromMilliseconds(300));
        var ct = Wait.Timeout();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ActivityThenWait), "x", cancellationToken: ct);

        // Nothing follows the result until the event: the flush at the end of the window stores it.
        await Wait.UntilAsync(async () => (await host.Client.GetOrchestrationHistoryAsync(id, ct)).Any(e => e.EventType == "TaskCompleted"),
            TimeSpan.FromSeconds(5), "the activity's result stored");
        (await HistoryRowsAsync(host, id, ct)).Should().Be(2, "the start, then the held episode flushed on its own");

        await host.Client.RaiseEventAsync(id, "go", "y", ct);
        var done = await host.Client.WaitForInstanceCompletionAsync(id, true, ct);
        done.ReadOutputAs<string>().Should().Be("x|y");
    }

    [Fact]
    public async Task HeldEpisode_UnderAFakeClockThatNeverMoves_StillFlushedInRealTime()
    {
        // The window is wall-clock time: a test's (or a replayed) clock must not keep held episodes out of storage.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
        await using var host = await EngineHost.StartAsync(r => r.AddOrchestrator<ActivityThenWait>().AddActivity<Echo>(), o => o.CheckpointCoalescing = TimeSpan.FromMilliseconds(200), clock);
        var ct = Wait.Timeout();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ActivityThenWait), "x", cancellationToken: ct);

        await Wait.UntilAsync(async () => (await host.Client.GetOrchestrationHistoryAsync(id, ct)).Any(e => e.EventType == "TaskCompleted"),
            TimeSpan.FromSeconds(5), "the activity's result stored though the fake clock never moved");
    }

    private static async Task<int> HistoryRowsAsync(EngineHost host, string id, CancellationToken ct)
    {
        var table = host.Storage.Tables.GetTableClient($"{host.HubName}Instances");
        var partition = Keys.PartitionKey(Keys.PartitionOf(id, EnginePartitions));
        var prefix = Keys.InstanceHistoryPrefix(id);
        var rows = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition && e.RowKey.CompareTo(prefix) >= 0 && e.RowKey.CompareTo(Keys.UpperBound(prefix)) < 0, select: ["RowKey"], cancellationToken: ct))
        {
            rows++;
        }

        return rows;
    }
}
