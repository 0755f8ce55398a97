using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Approvals.Durable.Core;
using Approvals.Durable.Storage;
using Microsoft.Extensions.Logging;

namespace Approvals.Durable.Worker;

/// <summary>What every part of one host's engine shares: storage, registry, clocks, and the local partition directory.</summary>
internal sealed class EngineContext
{
    public EngineContext(TaskHub hub, DurableTaskRegistry registry, IServiceProvider services, TimeProvider time, ILoggerFactory loggerFactory)
    {
        Hub = hub;
        Store = new InstanceStore(hub);
        DeadLetters = new DeadLetterStore(hub);
        Registry = registry;
        Services = services;
        Time = time;
        LoggerFactory = loggerFactory;
        Timers = new TimerScheduler(this);
        Activities = new ActivityDispatcher(this);
    }

    public TaskHub Hub { get; }

    public InstanceStore Store { get; }

    public DeadLetterStore DeadLetters { get; }

    public DurableTaskRegistry Registry { get; }

    public IServiceProvider Services { get; }

    /// <summary>The injected clock: orchestration time and durable timers follow it (a FakeTimeProvider in tests).</summary>
    public TimeProvider Time { get; }

    public ILoggerFactory LoggerFactory { get; }

    public TimerScheduler Timers { get; }

    public ActivityDispatcher Activities { get; }

    public DurableTaskOptions Options => Hub.Options;

    /// <summary>Partitions this process owns now: work for them is handed over in memory, never through a queue.</summary>
    public ConcurrentDictionary<int, PartitionProcessor> LocalPartitions { get; } = new();

    /// <summary>Wakes the owner of <paramref name="instanceId"/> after something was written to its inbox.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="written">The inbox row just written, if exactly one: a local owner then needs no inbox query.</param>
    public async Task SignalAsync(string instanceId, CancellationToken ct, WorkMessage? written = null)
    {
        var partition = Hub.PartitionOf(instanceId);
        if (LocalPartitions.TryGetValue(partition, out var processor))
        {
            if (written is not null)
            {
                processor.DeliverWritten(instanceId, written);
            }
            else
            {
                processor.Signal(instanceId, inboxChanged: true);
            }

            return;
        }

        // Another process owns it (or nobody yet): a wake-up message; the inbox row is the durable truth, and the
        // owner's periodic inbox sweep finds it even if this message were lost.
        await Hub.ControlQueues[partition].SendMessageAsync(Keys.Escape(instanceId), timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: ct);
    }

    /// <summary>
    /// Wakes the owner of an instance this process has just created (status row + start message committed). A local
    /// owner gets the new state and start message in memory and skips loading a brand-new instance (status read,
    /// history query, inbox query). Invariant: the create is durable before this call, so a crash before or during
    /// the hand-over leaves a Pending status row with its start message, which the next owner recovers from storage.
    /// </summary>
    /// <param name="created">The state exactly as written, with the status row's ETag.</param>
    /// <param name="start">The start message written with it.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task SignalCreatedAsync(InstanceState created, WorkMessage start, CancellationToken ct)
    {
        var partition = Hub.PartitionOf(created.InstanceId);
        if (LocalPartitions.TryGetValue(partition, out var processor))
        {
            processor.DeliverCreated(created, start);
            return;
        }

        await SignalAsync(created.InstanceId, ct);
    }

    /// <summary>Hands a message produced on this host (activity result, timer fire) to the instance's current owner.</summary>
    public void DeliverLocal(string instanceId, WorkMessage message)
    {
        if (LocalPartitions.TryGetValue(Hub.PartitionOf(instanceId), out var processor))
        {
            processor.Deliver(instanceId, message);
        }

        // Otherwise the partition moved: its new owner re-derives this work from history.
    }
}

/// <summary>Engine metrics on the <c>Approvals.Durable</c> meter.</summary>
internal static class EngineMetrics
{
    public static readonly System.Diagnostics.ActivitySource Tracing = new("Approvals.Durable");
    public static readonly Meter Meter = new("Approvals.Durable");
    public static readonly Counter<long> Episodes = Meter.CreateCounter<long>("durable.episodes", description: "Orchestration episodes committed");
    public static readonly Counter<long> BatchedWrites = Meter.CreateCounter<long>("durable.batcher.writes", description: "Writes submitted to a PartitionBatcher, by table");
    public static readonly Counter<long> BatchTransactions = Meter.CreateCounter<long>("durable.batcher.transactions", description: "Entity-group transactions a PartitionBatcher sent, by table");
    public static readonly Counter<long> EpisodesCoalesced = Meter.CreateCounter<long>("durable.episodes.coalesced", description: "Orchestration episodes held to be committed with the next one");
    public static readonly Counter<long> ActivitiesRun = Meter.CreateCounter<long>("durable.activities", description: "Activity executions");
    public static readonly Histogram<double> ActivityDuration = Meter.CreateHistogram<double>("durable.activity.duration", "ms", "Activity execution time");
    public static readonly Histogram<double> EpisodeDuration = Meter.CreateHistogram<double>("durable.episode.duration", "ms", "Episode time from start to commit");
    public static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("durable.deadletters", description: "Messages given up on");
}
