namespace Approvals.Durable;

/// <summary>Engine settings (configuration section <c>DurableTask</c>).</summary>
public sealed class DurableTaskOptions
{
    /// <summary>Task hub name: prefixes every table, queue and container (letters and digits, 3–40).</summary>
    public string HubName { get; set; } = "approvals";

    /// <summary>Number of partitions instances are spread over; the unit of ownership between hosts. Fixed for a hub's life.</summary>
    public int PartitionCount { get; set; } = 4;

    /// <summary>Run the worker (own partitions, run orchestrations and activities). False for client-only processes.</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>Activities run concurrently per host.</summary>
    public int MaxConcurrentActivities { get; set; } = 100;

    /// <summary>How long a partition lease lasts without renewal; a dead host's partitions move within this time.</summary>
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Longest wait between polls of the control queues when idle (work from this host never waits for a poll).</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts before an engine-level failure (unknown activity, undeserialisable message, storage error) is dead-lettered.</summary>
    public int MaxDeliveryAttempts { get; set; } = 5;

    /// <summary>First wait after an engine-level failure; doubles each time.</summary>
    public TimeSpan PoisonBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Instances kept in memory (with their live orchestrator) per partition; idle ones beyond are evicted and replayed on their next message.</summary>
    public int MaxCachedInstancesPerPartition { get; set; } = 1000;

    /// <summary>Episodes run concurrently per host.</summary>
    public int MaxConcurrentEpisodes { get; set; } = 64;

    /// <summary>
    /// Checkpoint coalescing: how long an episode with no effect outside its own instance may stay uncommitted, to be
    /// committed together with the instance's next episode (zero: every episode commits at once). Only an episode
    /// that changes no status, completes nothing, sends nothing and creates no instance is held; what it schedules
    /// (activities, timers) starts at once. A crash loses at most this window (plus <see cref="CommitLinger"/>, which
    /// the commit that stores them may wait) of such episodes, and recovery re-derives them by running the activities
    /// whose results they recorded again (activities are at least once).
    /// </summary>
    public TimeSpan CheckpointCoalescing { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Group commit for the engine's own writes (episode commits, sub-orchestration creations, messages between
    /// instances): how long such a write that finds its partition idle waits for others to share its entity-group
    /// transaction (zero: it goes at once; writes arriving while a transaction is in flight always join the next).
    /// A client's writes (start, raise event, terminate) never wait and end a wait in progress. Each write is still
    /// all-or-nothing and completes only when stored; only the round-trips are shared. Each commit on an
    /// orchestration's path may take this much longer (the work a held episode, <see cref="CheckpointCoalescing"/>,
    /// schedules is not delayed; the commit that later stores it may wait too), so the engine's default is zero: a
    /// host whose orchestrations can spare tens of milliseconds per step for fewer storage round-trips opts in.
    /// </summary>
    public TimeSpan CommitLinger { get; set; } = TimeSpan.Zero;

    /// <summary>Identifies this host in leases and logs.</summary>
    public string HostId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// The hub's control queues, one per partition (<c>{hub}-control-NN</c>, lower case): the queues a platform
    /// scales the workers on.
    /// </summary>
    public IReadOnlyList<string> ControlQueueNames =>
        Enumerable.Range(0, PartitionCount).Select(p => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{HubName.ToLowerInvariant()}-control-{p:D2}")).ToArray();

    internal void Validate()
    {
        if (HubName.Length is < 3 or > 40 || !HubName.All(char.IsAsciiLetterOrDigit) || !char.IsAsciiLetter(HubName[0]))
        {
            throw new ArgumentException($"DurableTask:HubName '{HubName}' must be 3–40 letters or digits, starting with a letter.");
        }

        if (PartitionCount is < 1 or > 64)
        {
            throw new ArgumentException($"DurableTask:PartitionCount {PartitionCount} must be between 1 and 64.");
        }

        if (MaxConcurrentActivities < 1 || MaxDeliveryAttempts < 1 || LeaseTtl < TimeSpan.FromSeconds(3))
        {
            throw new ArgumentException("DurableTask: MaxConcurrentActivities and MaxDeliveryAttempts must be ≥ 1 and LeaseTtl ≥ 3 s.");
        }

        if (CheckpointCoalescing < TimeSpan.Zero || CheckpointCoalescing > TimeSpan.FromSeconds(5))
        {
            throw new ArgumentException($"DurableTask:CheckpointCoalescing {CheckpointCoalescing} must be between 0 and 5 s.");
        }

        if (CommitLinger < TimeSpan.Zero || CommitLinger > TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException($"DurableTask:CommitLinger {CommitLinger} must be between 0 and 1 s.");
        }
    }
}

/// <summary>The orchestrators and activities a host can run, by name.</summary>
public sealed class DurableTaskRegistry
{
    internal Dictionary<string, Type> Orchestrators { get; } = new(StringComparer.Ordinal);

    internal Dictionary<string, Type> Activities { get; } = new(StringComparer.Ordinal);

    /// <summary>Registers an orchestrator under its class name (or <paramref name="name"/>).</summary>
    public DurableTaskRegistry AddOrchestrator<T>(string? name = null) where T : class, ITaskOrchestrator
    {
        Orchestrators[name ?? typeof(T).Name] = typeof(T);
        return this;
    }

    /// <summary>Registers an activity under its class name (or <paramref name="name"/>).</summary>
    public DurableTaskRegistry AddActivity<T>(string? name = null) where T : class, ITaskActivity
    {
        Activities[name ?? typeof(T).Name] = typeof(T);
        return this;
    }
}

/// <summary>What this host's worker owns, for readiness probes.</summary>
public sealed class DurableTaskWorkerStatus
{
    private volatile int[] _owned = [];

    /// <summary>Partitions in the hub.</summary>
    public int PartitionCount { get; internal set; }

    /// <summary>True once the worker has started and can reach storage.</summary>
    public bool IsStarted { get; internal set; }

    /// <summary>Partitions this host owns now.</summary>
    public IReadOnlyList<int> OwnedPartitions => _owned;

    internal void SetOwned(IEnumerable<int> owned) => _owned = owned.Order().ToArray();
}
