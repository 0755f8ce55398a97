using System.Text.Json;

namespace Approvals.Durable;

/// <summary>The lifecycle state of an orchestration instance.</summary>
public enum OrchestrationRuntimeStatus
{
    /// <summary>Running (or waiting).</summary>
    Running = 0,

    /// <summary>Completed with an output.</summary>
    Completed = 1,

    /// <summary>Restarted with a new execution (transient; the new execution is Running).</summary>
    ContinuedAsNew = 2,

    /// <summary>Failed; see <see cref="OrchestrationMetadata.FailureDetails"/>.</summary>
    Failed = 3,

    /// <summary>Cancelled.</summary>
    Canceled = 4,

    /// <summary>Terminated by a client.</summary>
    Terminated = 5,

    /// <summary>Scheduled, not yet started.</summary>
    Pending = 6,

    /// <summary>Suspended by a client; events are kept until resumed.</summary>
    Suspended = 7,
}

/// <summary>An instance's state as stored in its status row (no history replay needed).</summary>
public sealed record OrchestrationMetadata(string Name, string InstanceId)
{
    /// <summary>Status.</summary>
    public OrchestrationRuntimeStatus RuntimeStatus { get; init; }

    /// <summary>When the instance was scheduled.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its state last changed.</summary>
    public DateTimeOffset LastUpdatedAt { get; init; }

    /// <summary>The input as JSON, when requested.</summary>
    public string? SerializedInput { get; init; }

    /// <summary>The output as JSON, when requested and completed.</summary>
    public string? SerializedOutput { get; init; }

    /// <summary>The custom status as JSON.</summary>
    public string? SerializedCustomStatus { get; init; }

    /// <summary>Why it failed, when <see cref="OrchestrationRuntimeStatus.Failed"/>.</summary>
    public TaskFailureDetails? FailureDetails { get; init; }

    /// <summary>True while the instance has not reached a terminal state.</summary>
    public bool IsRunning => RuntimeStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended or OrchestrationRuntimeStatus.ContinuedAsNew;

    /// <summary>True when completed, failed, terminated or cancelled.</summary>
    public bool IsCompleted => !IsRunning;

    /// <summary>The input deserialised.</summary>
    public T? ReadInputAs<T>() => Read<T>(SerializedInput);

    /// <summary>The output deserialised.</summary>
    public T? ReadOutputAs<T>() => Read<T>(SerializedOutput);

    /// <summary>The custom status deserialised.</summary>
    public T? ReadCustomStatusAs<T>() => Read<T>(SerializedCustomStatus);

    private static T? Read<T>(string? json) => json is null ? default : JsonSerializer.Deserialize<T>(json, Core.DataConverter.Options);
}

/// <summary>A filter for <see cref="DurableTaskClient.GetAllInstancesAsync"/>; served from the status rows, page by page.</summary>
public sealed record OrchestrationQuery
{
    /// <summary>Only instances created at or after this time.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Only instances created before this time.</summary>
    public DateTimeOffset? CreatedTo { get; init; }

    /// <summary>Only these statuses.</summary>
    public IReadOnlyCollection<OrchestrationRuntimeStatus>? Statuses { get; init; }

    /// <summary>Only instance ids starting with this prefix (a key range, not a scan).</summary>
    public string? InstanceIdPrefix { get; init; }

    /// <summary>Page size.</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>Include inputs and outputs.</summary>
    public bool FetchInputsAndOutputs { get; init; }
}

/// <summary>A filter for purging many instances.</summary>
/// <param name="CreatedFrom">Created at or after.</param>
/// <param name="CreatedTo">Created before.</param>
/// <param name="Statuses">Terminal statuses to purge; all terminal statuses when null.</param>
public sealed record PurgeInstancesFilter(DateTimeOffset? CreatedFrom = null, DateTimeOffset? CreatedTo = null, IReadOnlyCollection<OrchestrationRuntimeStatus>? Statuses = null);

/// <summary>How many instances a purge removed.</summary>
/// <param name="PurgedInstanceCount">Count.</param>
public sealed record PurgeResult(int PurgedInstanceCount);

/// <summary>One recorded history event, for inspection.</summary>
/// <param name="Sequence">Position in the execution's history.</param>
/// <param name="EventType">Kind, e.g. <c>TaskScheduled</c>, <c>TaskCompleted</c>, <c>TimerFired</c>.</param>
/// <param name="Timestamp">When it was recorded.</param>
/// <param name="Name">Activity, orchestrator, timer or event name where applicable.</param>
/// <param name="TaskId">The action id it belongs to, where applicable.</param>
/// <param name="Data">Its payload as JSON, where applicable.</param>
/// <param name="ExecutionId">The execution (changes on ContinueAsNew).</param>
public sealed record HistoryEvent(int Sequence, string EventType, DateTimeOffset Timestamp, string? Name, int? TaskId, string? Data, string ExecutionId);

/// <summary>A message the engine gave up on after repeated failures, kept for inspection and replay.</summary>
/// <param name="Id">Dead-letter id.</param>
/// <param name="InstanceId">The instance it belongs to.</param>
/// <param name="Kind">What it was (an activity run, an orchestration episode…).</param>
/// <param name="Name">Activity or orchestrator name.</param>
/// <param name="Attempts">How often it was tried.</param>
/// <param name="LastError">The last failure.</param>
/// <param name="DeadLetteredAt">When it was given up on.</param>
public sealed record DeadLetter(string Id, string InstanceId, string Kind, string Name, int Attempts, string LastError, DateTimeOffset DeadLetteredAt);
