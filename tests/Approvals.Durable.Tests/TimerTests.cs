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

    [Fact]
    public async Task CreateTimer_ClockAdvancedWhileArming_FiresWithoutAnotherAdvance()
    {
        // The clock passes the timer's due time just as the engine creates its in-memory timer (another thread
        // advancing a FakeTimeProvider, or a slow thread on a real clock): the timer must still fire now, not one
        // whole wait after the jump.
        var clock = new JumpWhileArmingClock(new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero));
        await using var host = await EngineHost.StartAsync(r => r.AddOrchestrator<LongTimer>(), time: clock);
        var ct = Wait.Timeout();
        clock.JumpOnNextTimer = TimeSpan.FromDays(2);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(LongTimer), 1, cancellationToken: ct);

        var done = await host.Client.WaitForInstanceCompletionAsync(id, true, ct);
        done.ReadOutputAs<string>().Should().Be("2", "the timer (1 day) fired at the clock's new time, 2 days on");
        clock.Jumped.Should().BeTrue("the clock moved while the timer was being armed");
    }

    /// <summary>A fake clock that advances once, inside the next <see cref="CreateTimer"/> call.</summary>
    private sealed class JumpWhileArmingClock(DateTimeOffset start) : TimeProvider
    {
        private readonly FakeTimeProvider _fake = new(start);
        private long _jumpTicks;

        public TimeSpan JumpOnNextTimer
        {
            set => Interlocked.Exchange(ref _jumpTicks, value.Ticks);
        }

        public bool Jumped { get; private set; }

        public override DateTimeOffset GetUtcNow() => _fake.GetUtcNow();

        public override long GetTimestamp() => _fake.GetTimestamp();

        public override long TimestampFrequency => _fake.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => _fake.LocalTimeZone;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var jump = Interlocked.Exchange(ref _jumpTicks, 0);
            if (jump > 0)
            {
                _fake.Advance(TimeSpan.FromTicks(jump));
                Jumped = true;
            }

            return _fake.CreateTimer(callback, state, dueTime, period);
        }
    }
}
