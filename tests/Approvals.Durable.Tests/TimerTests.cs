using Microsoft.Extensions.Time.Testing;

namespace Approvals.Durable.Tests;

/// <summary>Durable timers follow the injected clock; no wall-clock waiting.</summary>
public sealed class TimerTests
{
    [Fact]
    public async Task CreateTimer_ThreeWeeks_FiresWhenFakeClockAdvanced()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 9, 28, 1, 0, 0, TimeSpan.Zero));
        await using var host = await EngineHost.StartAsync(r => r.AddOrchestrator<LongTimer>(), time: clock);
        var ct = Wait.Timeout();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(LongTimer), 21, cancellationToken: ct);
        await Wait.UntilAsync(async () => (await host.Client.GetOrchestrationHistoryAsync(id, ct)).Any(e => e.EventType == "TimerCreated"), TimeSpan.FromSeconds(30), "timer created");

        clock.Advance(TimeSpan.FromDays(20));
        (await host.Client.GetInstanceAsync(id, cancellationToken: ct))!.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Running, "20 of 21 days have passed");

        clock.Advance(TimeSpan.FromDays(1));
        var done = await host.Client.WaitForInstanceCompletionAsync(id, true, ct);
        done.ReadOutputAs<string>().Should().Be("21");
    }

    [Fact]
    public async Task CreateTimer_HostRestartedWhileWaiting_TimerReArmedFromHistory()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 1, 0, 0, TimeSpan.Zero));
        var hub = EngineHost.NewHubName();
        string id;
        await using (var first = await EngineHost.StartAsync(r => r.AddOrchestrator<LongTimer>(), time: clock, hubName: hub))
        {
            id = await first.Client.ScheduleNewOrchestrationInstanceAsync(nameof(LongTimer), 10);
            await Wait.UntilAsync(async () => (await first.Client.GetOrchestrationHistoryAsync(id)).Any(e => e.EventType == "TimerCreated"), TimeSpan.FromSeconds(30), "timer created");
        }

        await using var second = await EngineHost.StartAsync(r => r.AddOrchestrator<LongTimer>(), time: clock, hubName: hub);
        // The new owner loads the instance lazily at its timer's due time (from the status row's NextTimer hint).
        clock.Advance(TimeSpan.FromDays(10));
        var done = await second.Client.WaitForInstanceCompletionAsync(id, true, Wait.Timeout());
        done.ReadOutputAs<string>().Should().Be("10");
    }
}
