namespace Approvals.Durable.Tests;

/// <summary>Instances evicted from the in-memory cache are replayed from storage on their next message.</summary>
public sealed class CacheEvictionTests
{
    [Fact]
    public async Task RaiseEvent_InstancesEvictedFromCache_ReplayedAndComplete()
    {
        await using var host = await EngineHost.StartAsync(r => r.AddOrchestrator<TwoStepWait>().AddActivity<Echo>(), o => o.MaxCachedInstancesPerPartition = 3);
        var ct = Wait.Timeout();
        var ids = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add(await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(TwoStepWait), $"a{i}", cancellationToken: ct));
        }

        foreach (var id in ids)
        {
            await Wait.UntilAsync(async () => (await host.Client.GetOrchestrationHistoryAsync(id, ct)).Any(e => e.EventType == "TaskCompleted"), TimeSpan.FromSeconds(30), "first step done");
        }

        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            await host.Client.RaiseEventAsync(id, "go", $"b{i}", ct);
        }

        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            var done = await host.Client.WaitForInstanceCompletionAsync(id, true, ct);
            done.ReadOutputAs<string>().Should().Be($"a{i}+b{i}");
        }
    }
}
