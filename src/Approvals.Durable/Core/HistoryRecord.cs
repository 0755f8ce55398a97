using System.Text.Json.Serialization;

namespace Approvals.Durable.Core;

/// <summary>Kinds of history events. Scheduling kinds carry the action id they were produced under.</summary>
internal enum EventKind
{
    ExecutionStarted,
    OrchestratorStarted,
    TaskScheduled,
    TaskCompleted,
    TaskFailed,
    TimerCreated,
    TimerFired,
    SubOrchestrationCreated,
    SubOrchestrationCompleted,
    SubOrchestrationFailed,
    EventRaised,
    EventSent,
    ExecutionSuspended,
    ExecutionResumed,
    ExecutionTerminated,
    ExecutionCompleted,
    ContinuedAsNew,
}

/// <summary>
/// One history event. A flat record (nullable fields by kind) keeps the stored JSON small and the
/// replay code free of type switches.
/// </summary>
internal sealed record HistoryRecord
{
    [JsonPropertyName("k")] public EventKind Kind { get; init; }

    [JsonPropertyName("t")] public DateTime Timestamp { get; init; }

    /// <summary>Action id for scheduling events and the id a completion refers to.</summary>
    [JsonPropertyName("i")] public int? TaskId { get; init; }

    /// <summary>Activity / orchestrator / event name.</summary>
    [JsonPropertyName("n")] public string? Name { get; init; }

    /// <summary>JSON payload: input, result, event data, output.</summary>
    [JsonPropertyName("d")] public string? Data { get; init; }

    [JsonPropertyName("f")] public TaskFailureDetails? Failure { get; init; }

    [JsonPropertyName("at")] public DateTime? FireAt { get; init; }

    /// <summary>Target instance (sub-orchestration, sent event).</summary>
    [JsonPropertyName("x")] public string? InstanceId { get; init; }

    /// <summary>Inbox message id this event came from: duplicates are dropped against it.</summary>
    [JsonPropertyName("m")] public string? MessageId { get; init; }

    [JsonPropertyName("s")] public OrchestrationRuntimeStatus? Status { get; init; }

    public bool IsScheduling => Kind is EventKind.TaskScheduled or EventKind.TimerCreated or EventKind.SubOrchestrationCreated or EventKind.EventSent;

    public static string Describe(EventKind kind, string? name) => kind switch
    {
        EventKind.TaskScheduled => $"CallActivity('{name}')",
        EventKind.TimerCreated => "CreateTimer",
        EventKind.SubOrchestrationCreated => $"CallSubOrchestrator('{name}')",
        EventKind.EventSent => $"SendEvent('{name}')",
        _ => kind.ToString(),
    };
}

/// <summary>Kinds of messages addressed to an instance.</summary>
internal enum MessageKind
{
    Start,
    Event,
    Terminate,
    Suspend,
    Resume,
    SubOrchestrationCompleted,
    RetryDeadLetter,

    // Produced and consumed by the owning host only (never stored in the inbox): re-derived from history after a crash.
    TaskCompleted,
    TaskFailed,
    TimerFired,

    /// <summary>Commit the instance's coalesced episodes now (see <c>DurableTaskOptions.CheckpointCoalescing</c>).</summary>
    Flush,
}

/// <summary>
/// A message for an instance: stored as an inbox row (<c>I|{id}|{messageId}</c>) when it crosses a process
/// boundary or comes from a client, kept in memory when produced by the instance's owner.
/// </summary>
internal sealed record WorkMessage
{
    [JsonPropertyName("k")] public MessageKind Kind { get; init; }

    [JsonPropertyName("id")] public string MessageId { get; init; } = "";

    [JsonPropertyName("n")] public string? Name { get; init; }

    [JsonPropertyName("d")] public string? Data { get; init; }

    [JsonPropertyName("i")] public int? TaskId { get; init; }

    [JsonPropertyName("f")] public TaskFailureDetails? Failure { get; init; }

    [JsonPropertyName("at")] public DateTime? FireAt { get; init; }

    [JsonPropertyName("pi")] public string? ParentInstanceId { get; init; }

    [JsonPropertyName("pe")] public string? ParentExecutionId { get; init; }

    [JsonPropertyName("pt")] public int? ParentTaskId { get; init; }

    /// <summary>For local messages: the execution they belong to (results for an older execution are dropped).</summary>
    [JsonPropertyName("e")] public string? ExecutionId { get; init; }

    /// <summary>Set for inbox rows: the row key, so the commit can delete it.</summary>
    [JsonIgnore] public string? InboxRowKey { get; init; }
}
