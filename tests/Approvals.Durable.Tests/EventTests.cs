namespace Approvals.Durable.Tests;

/// <summary>External events: nothing is lost, whatever the timing.</summary>
public sealed class EventTests : IAsyncLifetime
{
    private EngineHost _host = null!;

    public async Task InitializeAsync() => _host = await EngineHost.StartAsync(r => r
        .AddOrchestrator<WaitForApproval>().AddOrchestrator<TwoStepWait>().AddOrchestrator<CancelledWaiter>()
        .AddOrchestrator<OldestWaiterFirst>().AddActivity<Echo>());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private DurableTaskClient Client => _host.Client;

    [Fact]
    public async Task RaiseEvent_BeforeInstanceExists_DeliveredAfterStart()
    {
        var ct = Wait.Timeout();
        var ids = Enumerable.Range(0, 10).Select(i => $"early-{Guid.NewGuid():N}").ToList();
        foreach (var id in ids)
        {
            await Client.RaiseEventAsync(id, "approve", "yes:" + id, ct);
        }

        foreach (var id in ids)
        {
            (await Client.GetInstanceAsync(id, cancellationToken: ct)).Should().BeNull("the instance does not exist yet");
            await Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForApproval), "in", new StartOrchestrationOptions(id), ct);
        }

        foreach (var id in ids)
        {
            var done = await Client.WaitForInstanceCompletionAsync(id, true, ct);
            done.ReadOutputAs<string>().Should().Be("yes:" + id);
        }
    }

    [Fact]
    public async Task RaiseEvent_BeforeOrchestratorWaits_Buffered()
    {
        var ct = Wait.Timeout();
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(TwoStepWait), "a", cancellationToken: ct);
        await Client.RaiseEventAsync(id, "go", "b", ct);
        var done = await Client.WaitForInstanceCompletionAsync(id, true, ct);
        done.ReadOutputAs<string>().Should().Be("a+b");
    }

    [Fact]
    public async Task RaiseEvent_AfterWaiterCancelled_GoesToLiveWaiter()
    {
        var ct = Wait.Timeout();
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(CancelledWaiter), "x", cancellationToken: ct);
        await Wait.UntilStatusAsync(Client, id, m => m.SerializedCustomStatus == "\"waiting-again\"", "first waiter timed out");
        await Client.RaiseEventAsync(id, "signal", "for-the-live-one", ct);
        var done = await Client.WaitForInstanceCompletionAsync(id, true, ct);
        done.ReadOutputAs<string>().Should().Be("for-the-live-one");
    }

    [Fact]
    public async Task RaiseEvent_TwoWaitersOneName_OldestServedFirst()
    {
        var ct = Wait.Timeout();
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(OldestWaiterFirst), "x", cancellationToken: ct);
        await Wait.UntilStatusAsync(Client, id, m => m.SerializedCustomStatus is not null, "waiting");
        await Client.RaiseEventAsync(id, "e", "1", ct);
        await Client.RaiseEventAsync(id, "e", "2", ct);
        var done = await Client.WaitForInstanceCompletionAsync(id, true, ct);
        done.ReadOutputAs<string>().Should().Be("1,2");
    }
}
