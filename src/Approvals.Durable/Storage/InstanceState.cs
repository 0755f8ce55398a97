using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Approvals.Durable.Core;

namespace Approvals.Durable.Storage;

/// <summary>
/// The status row of an instance (<c>S|{id}</c>): everything a status query needs without replaying history, plus
/// the hints a new partition owner needs to recover without loading every instance:
/// <see cref="Outstanding"/> (activities and sub-orchestrations awaited), <see cref="NextTimerAt"/> and
/// <see cref="OutboxPending"/> (messages to other instances not yet confirmed sent).
/// </summary>
internal sealed class InstanceState
{
    public required string InstanceId { get; init; }

    public required string Name { get; set; }

    public OrchestrationRuntimeStatus Status { get; set; }

    public required string ExecutionId { get; set; }

    public string? Input { get; set; }

    public string? Output { get; set; }

    public string? CustomStatus { get; set; }

    public TaskFailureDetails? Failure { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset LastUpdatedAt { get; set; }

    public string? ParentInstanceId { get; set; }

    public string? ParentExecutionId { get; set; }

    public int? ParentTaskId { get; set; }

    public bool OutboxPending { get; set; }

    /// <summary>Number of history rows (episodes) of the current execution; the next row's number.</summary>
    public int Episodes { get; set; }

    public int Outstanding { get; set; }

    public DateTimeOffset? NextTimerAt { get; set; }

    /// <summary>When the start message asks for a delayed start.</summary>
    public DateTimeOffset? StartAt { get; set; }

    public ETag ETag { get; set; }

    /// <summary>Where a large input already lives: the input never changes within an execution, so it is uploaded once.</summary>
    public string? InputBlob { get; set; }

    public bool IsTerminal => Status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated or OrchestrationRuntimeStatus.Canceled;

    public OrchestrationMetadata ToMetadata(bool withPayloads) => new(Name, InstanceId)
    {
        RuntimeStatus = Status,
        CreatedAt = CreatedAt,
        LastUpdatedAt = LastUpdatedAt,
        SerializedInput = withPayloads ? Input : null,
        SerializedOutput = withPayloads ? Output : null,
        SerializedCustomStatus = CustomStatus,
        FailureDetails = Failure,
    };

    public async Task<TableEntity> ToEntityAsync(string partitionKey, BlobContainerClient payloads, CancellationToken ct)
    {
        var e = new TableEntity(partitionKey, Keys.Status(InstanceId))
        {
            ["Id"] = InstanceId,
            ["Name"] = Name,
            ["Status"] = Status.ToString(),
            ["Exec"] = ExecutionId,
            ["Created"] = CreatedAt,
            ["Updated"] = LastUpdatedAt,
            ["Outbox"] = OutboxPending,
            ["Ep"] = Episodes,
            ["Outstanding"] = Outstanding,
        };
        if (Failure is not null) e["Failure"] = DataConverter.Serialize(Failure);
        if (ParentInstanceId is not null) e["Parent"] = ParentInstanceId;
        if (ParentExecutionId is not null) e["ParentExec"] = ParentExecutionId;
        if (ParentTaskId is not null) e["ParentTask"] = ParentTaskId;
        if (NextTimerAt is not null) e["NextTimer"] = NextTimerAt;
        if (StartAt is not null) e["StartAt"] = StartAt;
        var prefix = $"{Keys.Escape(InstanceId)}/s/{ExecutionId}-";
        if (InputBlob is not null)
        {
            e["Input_blob"] = InputBlob;
        }
        else
        {
            InputBlob = await PayloadCodec.WriteAsync(e, "Input", Input, payloads, () => prefix + "input", 64 * 1024, ct);
        }

        await PayloadCodec.WriteAsync(e, "Output", Output, payloads, () => prefix + "output", 64 * 1024, ct);
        await PayloadCodec.WriteAsync(e, "Custom", CustomStatus, payloads, () => prefix + "custom", 64 * 1024, ct);
        e.ETag = ETag;
        return e;
    }

    public static async Task<InstanceState> FromEntityAsync(TableEntity e, BlobContainerClient payloads, bool withPayloads, CancellationToken ct)
    {
        return new InstanceState
        {
            InstanceId = e.GetString("Id"),
            Name = e.GetString("Name"),
            Status = Enum.Parse<OrchestrationRuntimeStatus>(e.GetString("Status")),
            ExecutionId = e.GetString("Exec"),
            CreatedAt = e.GetDateTimeOffset("Created") ?? default,
            LastUpdatedAt = e.GetDateTimeOffset("Updated") ?? default,
            OutboxPending = e.GetBoolean("Outbox") ?? false,
            Episodes = e.GetInt32("Ep") ?? 0,
            Outstanding = e.GetInt32("Outstanding") ?? 0,
            Failure = e.GetString("Failure") is { } f ? DataConverter.Deserialize<TaskFailureDetails>(f) : null,
            ParentInstanceId = e.GetString("Parent"),
            ParentExecutionId = e.GetString("ParentExec"),
            ParentTaskId = e.GetInt32("ParentTask"),
            NextTimerAt = e.GetDateTimeOffset("NextTimer"),
            StartAt = e.GetDateTimeOffset("StartAt"),
            Input = withPayloads ? await PayloadCodec.ReadAsync(e, "Input", payloads, ct) : null,
            Output = withPayloads ? await PayloadCodec.ReadAsync(e, "Output", payloads, ct) : null,
            CustomStatus = await PayloadCodec.ReadAsync(e, "Custom", payloads, ct),
            ETag = e.ETag,
            InputBlob = e.GetString("Input_blob"),
        };
    }
}
