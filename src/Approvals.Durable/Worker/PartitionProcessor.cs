using System.Collections.Concurrent;
using Approvals.Durable.Core;
using Approvals.Durable.Storage;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace Approvals.Durable.Worker;

/// <summary>
/// Processes the instances of one partition while this host holds its lease: in-memory signals from this process,
/// wake-ups from the partition's control queue (other processes), and a periodic sweep of the partition's inbox
/// rows that catches any lost wake-up. Each instance runs at most one episode at a time; work arriving meanwhile is
/// batched into the next episode.
/// </summary>
internal sealed partial class PartitionProcessor
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(5);
    private readonly EngineContext _engine;
    private readonly ConcurrentDictionary<string, InstanceRuntime> _instances = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _episodeSlots;
    private Task _loops = Task.CompletedTask;
    private long _clock;
    private HashSet<string> _sweptRows = new(StringComparer.Ordinal);

    public PartitionProcessor(int partition, EngineContext engine, SemaphoreSlim episodeSlots)
    {
        Partition = partition;
        _engine = engine;
        _episodeSlots = episodeSlots;
        _logger = engine.LoggerFactory.CreateLogger("Approvals.Durable.Partitions");
    }

    public int Partition { get; }

    public int CachedInstances => _instances.Count;

    private CancellationToken Stopping => _stop.Token;

    public void Start()
    {
        _loops = Task.WhenAll(Task.Run(RecoverAsync), Task.Run(PollControlQueueAsync), Task.Run(SweepInboxAsync));
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loops.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception)
        {
            // Loops end by cancellation; anything else was already logged.
        }

        // Let running episodes finish their commit so the next owner starts from a clean state.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_instances.Values.Any(r => r.Busy) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, CancellationToken.None);
        }

        _instances.Clear();
        _stop.Dispose();
    }

    /// <summary>Something for the instance arrived (its inbox changed, or local work is ready).</summary>
    public void Signal(string instanceId, bool inboxChanged) => Enqueue(instanceId, inboxChanged, null, null);

    /// <summary>An inbox row this process has just written: handed over in memory, saving the inbox query.</summary>
    public void DeliverWritten(string instanceId, WorkMessage written)
        => Enqueue(instanceId, false, written with { InboxRowKey = Keys.Inbox(instanceId, written.MessageId) }, null);

    /// <summary>A message produced on this host for the instance (activity result, timer fire).</summary>
    public void Deliver(string instanceId, WorkMessage message) => Enqueue(instanceId, false, null, message);

    /// <summary>An instance this process has just created: its state and start row, handed over without a load.</summary>
    public void DeliverCreated(InstanceState created, WorkMessage start)
        => Enqueue(created.InstanceId, false, start with { InboxRowKey = Keys.Inbox(created.InstanceId, start.MessageId) }, null, created);

    private void Enqueue(string instanceId, bool inboxChanged, WorkMessage? written, WorkMessage? local, InstanceState? created = null)
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        while (true)
        {
            var rt = _instances.GetOrAdd(instanceId, id => new InstanceRuntime(id));
            bool start;
            lock (rt.Gate)
            {
                if (rt.Evicted)
                {
                    continue; // lost a race with eviction: use the instance's new runtime
                }

                if (written is not null)
                {
                    rt.Written.Add(written);
                }

                if (local is not null)
                {
                    rt.Local.Add(local);
                }

                if (created is not null)
                {
                    rt.Created = created;
                }

                rt.Signalled = true;
                rt.InboxChanged |= inboxChanged;
                start = !rt.Busy;
                rt.Busy = true;
            }

            if (start)
            {
                _ = Task.Run(() => DrainAsync(rt));
            }

            return;
        }
    }

    private async Task DrainAsync(InstanceRuntime rt)
    {
        while (true)
        {
            bool inboxChanged;
            lock (rt.Gate)
            {
                if (!rt.Signalled || _stop.IsCancellationRequested)
                {
                    rt.Busy = false;
                    break;
                }

                rt.Signalled = false;
                inboxChanged = rt.InboxChanged;
                rt.InboxChanged = false;
            }

            rt.LastUsed = Interlocked.Increment(ref _clock);
            await _episodeSlots.WaitAsync(CancellationToken.None);
            try
            {
                var more = await RunEpisodeAsync(rt, inboxChanged, Stopping);
                rt.FailedAttempts = 0;
                if (more)
                {
                    lock (rt.Gate)
                    {
                        rt.Signalled = true;
                        rt.InboxChanged = true;
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
            catch (StaleInstanceException)
            {
                // Another writer got there first (a previous owner's last commit, or a client re-creating the instance).
                rt.Unload();
                lock (rt.Gate)
                {
                    rt.Signalled = true;
                }
            }
            catch (Exception e)
            {
                await HandleEpisodeFailureAsync(rt, e);
            }
            finally
            {
                _episodeSlots.Release();
            }
        }

        EvictIfNeeded(rt);
    }

    private async Task HandleEpisodeFailureAsync(InstanceRuntime rt, Exception e)
    {
        rt.Unload();
        rt.FailedAttempts++;
        LogEpisodeFailed(_logger, e, rt.InstanceId, rt.FailedAttempts);
        if (rt.FailedAttempts >= _engine.Options.MaxDeliveryAttempts)
        {
            rt.Parked = true;
            try
            {
                var state = await _engine.Store.GetStatusAsync(rt.InstanceId, false, CancellationToken.None);
                await _engine.DeadLetters.AddAsync(
                    new DeadLetter($"{Keys.Escape(rt.InstanceId)}.orchestration", rt.InstanceId, "Orchestration", state?.Name ?? "?", rt.FailedAttempts, e.ToString(), _engine.Time.GetUtcNow()),
                    state?.ExecutionId ?? "", null, null, CancellationToken.None);
                EngineMetrics.DeadLettered.Add(1);
            }
            catch (Exception dl)
            {
                LogEpisodeFailed(_logger, dl, rt.InstanceId, rt.FailedAttempts);
            }

            return;
        }

        // Back off on the wall clock: a storage outage or a bad deploy must not spin.
        var delay = _engine.Options.PoisonBackoff * Math.Pow(2, rt.FailedAttempts - 1);
        _ = Task.Delay(delay, Stopping).ContinueWith(t => { if (!t.IsCanceled) Signal(rt.InstanceId, true); }, TaskScheduler.Default);
    }

    private void EvictIfNeeded(InstanceRuntime rt)
    {
        if (rt.State?.IsTerminal == true)
        {
            TryEvict(rt);
            return;
        }

        var max = _engine.Options.MaxCachedInstancesPerPartition;
        if (_instances.Count <= max)
        {
            return;
        }

        // Drop the least recently used idle instances; they reload (and replay) on their next message.
        foreach (var victim in _instances.Values.Where(r => !r.Busy && r.Local.Count == 0).OrderBy(r => r.LastUsed).Take(_instances.Count - (max * 9 / 10)).ToList())
        {
            if (!_engine.Activities.HasInFlight(victim.InstanceId))
            {
                TryEvict(victim);
            }
        }
    }

    /// <summary>Removes an idle runtime; marked under its lock so no message can land in a removed runtime.</summary>
    private void TryEvict(InstanceRuntime rt)
    {
        lock (rt.Gate)
        {
            if (rt.Busy || rt.Local.Count > 0 || rt.Written.Count > 0 || rt.Created is not null || rt.HasPending)
            {
                return;
            }

            rt.Evicted = true;
            _instances.TryRemove(new KeyValuePair<string, InstanceRuntime>(rt.InstanceId, rt));
        }
    }

    /// <summary>On acquiring the partition: wake every instance that has work the previous owner may have left.</summary>
    private async Task RecoverAsync()
    {
        try
        {
            const string active = "Status ne 'Completed' and Status ne 'Failed' and Status ne 'Terminated' and Status ne 'Canceled' or Outbox eq true";
            await foreach (var row in _engine.Store.RangeAsync(Partition, "S|", Stopping, active, 1000, ["Id", "Status", "Outstanding", "Outbox", "NextTimer", "StartAt"]))
            {
                var id = row.GetString("Id");
                var nextTimer = row.GetDateTimeOffset("NextTimer") ?? row.GetDateTimeOffset("StartAt");
                if ((row.GetInt32("Outstanding") ?? 0) > 0 || row.GetBoolean("Outbox") == true || row.GetString("Status") == nameof(OrchestrationRuntimeStatus.Pending))
                {
                    Signal(id, inboxChanged: true);
                }
                else if (nextTimer is { } at)
                {
                    // Loaded lazily when its earliest timer is due: 10,000 waiting instances cost nothing until then.
                    _engine.Timers.Wake(id, at, "timer");
                }
            }

            await SweepOnceAsync(all: true);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogLoopFailed(_logger, e, Partition, "recovery");
        }
    }

    private async Task SweepInboxAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(SweepInterval, Stopping);
                await SweepOnceAsync();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogLoopFailed(_logger, e, Partition, "inbox sweep");
            }
        }
    }

    /// <summary>
    /// Finds inbox rows nobody was woken for (a wake-up lost with a crashed sender). A periodic sweep signals an instance
    /// only for a row the previous sweep already saw, that is, one still waiting a whole interval later: a fresh row
    /// is almost always being handled right now (handed over in memory or by control queue), and signalling it
    /// anyway cost an inbox query and an empty episode per row under load. Rows a loaded instance already holds
    /// unconsumed on purpose (suspended, delayed start, events before its start) are skipped too. The first sweep
    /// after acquiring the partition (<paramref name="all"/>) signals every row at once.
    /// </summary>
    private async Task SweepOnceAsync(bool all = false)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var previous = _sweptRows;
        string? last = null;
        await foreach (var row in _engine.Store.RangeAsync(Partition, "I|", Stopping, select: ["RowKey"]))
        {
            seen.Add(row.RowKey);
            var id = Keys.Unescape(row.RowKey.Split(Keys.Separator)[1]);
            if (id == last || !(all || previous.Contains(row.RowKey)))
            {
                continue;
            }

            if (_instances.TryGetValue(id, out var rt) && IsHandled(rt, row.RowKey))
            {
                continue;
            }

            Signal(id, inboxChanged: true);
            last = id;
        }

        _sweptRows = seen;
    }

    private static bool IsHandled(InstanceRuntime rt, string rowKey)
    {
        // Under Gate an idle runtime cannot start an episode, so its Inbox list is not being changed meanwhile.
        lock (rt.Gate)
        {
            return rt.Busy || rt.Parked || rt.Inbox.Any(m => m.InboxRowKey == rowKey);
        }
    }

    private async Task PollControlQueueAsync()
    {
        var queue = _engine.Hub.ControlQueues[Partition];
        var idle = TimeSpan.FromMilliseconds(20);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var messages = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30), Stopping)).Value;
                if (messages.Length == 0)
                {
                    await Task.Delay(idle, Stopping);
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, _engine.Options.MaxPollInterval.Ticks));
                    continue;
                }

                idle = TimeSpan.FromMilliseconds(20);
                foreach (var m in messages)
                {
                    Signal(Keys.Unescape(m.Body.ToString()), inboxChanged: true);
                }

                await Task.WhenAll(messages.Select(m => queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, Stopping)));
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogLoopFailed(_logger, e, Partition, "control queue");
                await Task.Delay(_engine.Options.MaxPollInterval, Stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Episode of {InstanceId} failed (attempt {Attempt})")]
    private static partial void LogEpisodeFailed(ILogger logger, Exception e, string instanceId, int attempt);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Partition {Partition} {Loop} loop failed")]
    private static partial void LogLoopFailed(ILogger logger, Exception e, int partition, string loop);
}
