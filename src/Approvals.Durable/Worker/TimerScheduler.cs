using System.Collections.Concurrent;
using Approvals.Durable.Core;

namespace Approvals.Durable.Worker;

/// <summary>
/// In-memory durable-timer arming on the injected <see cref="TimeProvider"/>. The timer itself is durable in history
/// (TimerCreated without TimerFired), so a new owner re-arms it; here only the wake-up lives. Waits are capped at a
/// day and re-armed, so timers of any length work and no platform limit (queue visibility, timer range) leaks through.
/// </summary>
internal sealed class TimerScheduler(EngineContext engine)
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);
    private readonly ConcurrentDictionary<string, ITimer> _armed = new(StringComparer.Ordinal);

    /// <summary>Arms an orchestration timer; fires a <see cref="MessageKind.TimerFired"/> message at <paramref name="fireAt"/>.</summary>
    public void ArmTimer(string instanceId, string executionId, int timerId, DateTime fireAt)
    {
        var key = $"{instanceId}\n{executionId}\n{timerId}";
        Arm(key, fireAt, () => engine.DeliverLocal(instanceId, new WorkMessage
        {
            Kind = MessageKind.TimerFired,
            TaskId = timerId,
            ExecutionId = executionId,
            FireAt = fireAt,
        }));
    }

    /// <summary>Wakes an instance at a time (delayed start, poison backoff, lazily loaded timers).</summary>
    public void Wake(string instanceId, DateTimeOffset at, string reason)
    {
        var key = $"{instanceId}\nwake\n{reason}";
        Arm(key, at.UtcDateTime, () =>
        {
            if (engine.LocalPartitions.TryGetValue(engine.Hub.PartitionOf(instanceId), out var p))
            {
                p.Signal(instanceId, inboxChanged: true);
            }
        });
    }

    public int ArmedCount => _armed.Count;

    private void Arm(string key, DateTime fireAt, Action fire)
    {
        if (_armed.ContainsKey(key))
        {
            return;
        }

        ITimer? timer = null;
        void Callback(object? _)
        {
            var remaining = fireAt - engine.Time.GetUtcNow().UtcDateTime;
            if (remaining <= TimeSpan.Zero)
            {
                if (_armed.TryRemove(new KeyValuePair<string, ITimer>(key, timer!)))
                {
                    timer!.Dispose();
                    fire();
                }

                return;
            }

            Schedule(timer!, fireAt); // early (a capped wait, or the clock moved while arming): wait the rest
        }

        lock (_armed)
        {
            if (_armed.ContainsKey(key))
            {
                return;
            }

            timer = engine.Time.CreateTimer(Callback, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _armed[key] = timer;
        }

        Schedule(timer, fireAt);
    }

    /// <summary>
    /// Sets the timer so it is due at <paramref name="fireAt"/> on the provider's clock. A timer's wait counts from
    /// the clock's reading when it is set, so the wait is measured after the timer exists and measured again after it
    /// is set: if the clock moved in between (a FakeTimeProvider advanced by another thread, a descheduled thread),
    /// the timer would come due late by that much — or, with a fake clock that only moves when advanced, never — so
    /// it is set again from the new reading. A timer that comes due early is harmless: the callback re-checks.
    /// </summary>
    private void Schedule(ITimer timer, DateTime fireAt)
    {
        var before = engine.Time.GetUtcNow().UtcDateTime;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var wait = fireAt - before;
            timer.Change(Min(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, MaxWait), Timeout.InfiniteTimeSpan);
            var after = engine.Time.GetUtcNow().UtcDateTime;
            if (after == before)
            {
                return;
            }

            before = after;
        }
    }

    /// <summary>Drops armed wake-ups for an instance's execution (it completed or was evicted after completion).</summary>
    public void Cancel(string instanceId)
    {
        foreach (var key in _armed.Keys.Where(k => k.StartsWith(instanceId + "\n", StringComparison.Ordinal)))
        {
            if (_armed.TryRemove(key, out var t))
            {
                t.Dispose();
            }
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
