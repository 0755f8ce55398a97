using Azure;

namespace Approvals.Durable;

/// <summary>
/// Starts, signals, queries and manages orchestration instances. Thread-safe; register as a singleton.
/// Names follow <c>Microsoft.DurableTask.Client.DurableTaskClient</c>.
/// </summary>
public abstract class DurableTaskClient
{
    /// <summary>Schedules a new instance. Atomic: the instance and its start message are written in one transaction.</summary>
    /// <returns>The instance id.</returns>
    /// <exception cref="InvalidOperationException">An instance with that id exists and is not in a terminal state.</exception>
    public abstract Task<string> ScheduleNewOrchestrationInstanceAsync(string orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Raises an event. Kept until the orchestrator waits for it, even when the instance does not exist yet.</summary>
    public abstract Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellationToken = default);

    /// <summary>The instance's status, or null when unknown.</summary>
    public abstract Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellationToken = default);

    /// <summary>Instances matching the query, paged; each page reads one key range of the status index.</summary>
    public abstract AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null);

    /// <summary>Waits until the instance reaches a terminal state.</summary>
    public abstract Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellationToken = default);

    /// <summary>Terminates a running instance (and records the output given).</summary>
    public abstract Task TerminateInstanceAsync(string instanceId, object? output = null, CancellationToken cancellationToken = default);

    /// <summary>Suspends an instance: it processes nothing but a resume until resumed; events are kept.</summary>
    public abstract Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>Resumes a suspended instance.</summary>
    public abstract Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a terminal instance's status, history and inbox.</summary>
    public abstract Task<PurgeResult> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>Deletes every terminal instance matching the filter.</summary>
    public abstract Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, CancellationToken cancellationToken = default);

    /// <summary>The current execution's history, in order.</summary>
    public abstract Task<IReadOnlyList<HistoryEvent>> GetOrchestrationHistoryAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>Messages the engine gave up on.</summary>
    public abstract Task<IReadOnlyList<DeadLetter>> GetDeadLettersAsync(CancellationToken cancellationToken = default);

    /// <summary>Puts a dead-lettered message back to work (e.g. after deploying the missing activity) and removes it from the store.</summary>
    public abstract Task ReplayDeadLetterAsync(string deadLetterId, CancellationToken cancellationToken = default);
}
