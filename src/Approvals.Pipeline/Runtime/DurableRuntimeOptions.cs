using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Approvals.Pipeline.Runtime;

/// <summary>
/// The Durable runtime's settings (section <c>DurableTask</c>). Names follow the Durable Functions <c>host.json</c>
/// (<c>extensions.durableTask</c> and its <c>storageProvider</c>), so <c>src/Approvals.Functions/host.json</c> and
/// this host read the same values; <c>tests/…/Infra</c> checks that they agree.
/// </summary>
internal sealed partial class DurableRuntimeOptions : IValidatableObject
{
    /// <summary>Task hub: prefix of the provider's tables (<c>{hub}History</c>, <c>{hub}Instances</c>), queues and blob containers.</summary>
    public string HubName { get; set; } = "approvals";

    /// <summary>Control-queue partitions (1–16), fixed for the life of a task hub: the most workers that share orchestration work.</summary>
    public int PartitionCount { get; set; } = 4;

    /// <summary>Longest back-off of an idle queue poll: an event to an idle instance waits at most this long (host.json default 30 s).</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a dequeued control message stays invisible. A host killed while holding one delays that instance by
    /// up to this much (the provider's default of 5 minutes is shortened here: crash and partition hand-off tests).
    /// </summary>
    public TimeSpan ControlQueueVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>As <see cref="ControlQueueVisibilityTimeout"/>, for activity messages. Longer than any activity runs.</summary>
    public TimeSpan WorkItemQueueVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Control messages fetched per poll.</summary>
    public int ControlQueueBatchSize { get; set; } = 32;

    /// <summary>Activities run at once by this host.</summary>
    public int MaxConcurrentActivityFunctions { get; set; } = 32;

    /// <summary>Orchestration episodes run at once by this host.</summary>
    public int MaxConcurrentOrchestratorFunctions { get; set; } = 64;

    /// <summary>Keep an orchestration in memory between episodes (no history reload while it stays hot).</summary>
    public bool ExtendedSessionsEnabled { get; set; }

    /// <summary>How long an idle extended session is kept.</summary>
    public int ExtendedSessionIdleTimeoutInSeconds { get; set; } = 30;

    /// <summary>Partition leases: how long one lasts without renewal (a dead host's partitions move after this).</summary>
    public TimeSpan LeaseInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><c>false</c> for a process that only sends work (a client, a benchmark driver): no worker starts.</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>The worker id recorded on partition leases; machine name, process id and a random suffix by default.</summary>
    public string? WorkerId { get; set; }

    /// <summary>The provider's control queues, <c>{hub}-control-NN</c>: the queues the platform scales on.</summary>
    public IEnumerable<string> ControlQueueNames =>
        Enumerable.Range(0, PartitionCount).Select(i => $"{HubName.ToLowerInvariant()}-control-{i:00}");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // The provider builds table names from the hub name: letters and digits, starting with a letter (3–45 chars
        // leaves room for its suffixes under the 63-character table limit).
        if (!HubNamePattern().IsMatch(HubName ?? string.Empty))
        {
            yield return new($"DurableTask__HubName '{HubName}' must be 3–45 letters or digits, starting with a letter.", [nameof(HubName)]);
        }

        if (PartitionCount is < 1 or > 16)
        {
            yield return new($"DurableTask__PartitionCount {PartitionCount} must be between 1 and 16.", [nameof(PartitionCount)]);
        }

        foreach (var (name, value, min, max) in new[]
        {
            (nameof(MaxQueuePollingInterval), MaxQueuePollingInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5)),
            (nameof(ControlQueueVisibilityTimeout), ControlQueueVisibilityTimeout, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(10)),
            (nameof(WorkItemQueueVisibilityTimeout), WorkItemQueueVisibilityTimeout, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(10)),
            (nameof(LeaseInterval), LeaseInterval, TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(2)),
        })
        {
            if (value < min || value > max)
            {
                yield return new($"DurableTask__{name} {value} must be between {min} and {max}.", [name]);
            }
        }

        foreach (var (name, value, max) in new[]
        {
            (nameof(ControlQueueBatchSize), ControlQueueBatchSize, 32),
            (nameof(MaxConcurrentActivityFunctions), MaxConcurrentActivityFunctions, 1000),
            (nameof(MaxConcurrentOrchestratorFunctions), MaxConcurrentOrchestratorFunctions, 1000),
            (nameof(ExtendedSessionIdleTimeoutInSeconds), ExtendedSessionIdleTimeoutInSeconds, 3600),
        })
        {
            if (value < 1 || value > max)
            {
                yield return new($"DurableTask__{name} {value} must be between 1 and {max}.", [name]);
            }
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,44}$")]
    private static partial Regex HubNamePattern();
}
