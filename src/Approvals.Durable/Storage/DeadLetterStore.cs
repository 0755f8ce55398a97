using Azure;
using Azure.Data.Tables;

namespace Approvals.Durable.Storage;

/// <summary>
/// <c>{Hub}DeadLetters</c>: one row per message the engine gave up on (PartitionKey "dl", RowKey the dead-letter id),
/// with what is needed to replay it. Ids are deterministic, so giving up twice on the same work keeps one row.
/// </summary>
internal sealed class DeadLetterStore(TaskHub hub)
{
    private const string Pk = "dl";

    public async Task AddAsync(DeadLetter letter, string executionId, int? taskId, string? input, CancellationToken ct)
    {
        var entity = new TableEntity(Pk, letter.Id)
        {
            ["InstanceId"] = letter.InstanceId,
            ["Kind"] = letter.Kind,
            ["Name"] = letter.Name,
            ["Attempts"] = letter.Attempts,
            ["LastError"] = letter.LastError.Length > 30_000 ? letter.LastError[..30_000] : letter.LastError,
            ["At"] = letter.DeadLetteredAt,
            ["Exec"] = executionId,
            ["TaskId"] = taskId,
        };
        await hub.DeadLetters.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct);
    }

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(CancellationToken ct)
    {
        var list = new List<DeadLetter>();
        await foreach (var e in hub.DeadLetters.QueryAsync<TableEntity>(x => x.PartitionKey == Pk, cancellationToken: ct))
        {
            list.Add(ToLetter(e));
        }

        return list;
    }

    public async Task<(DeadLetter Letter, string ExecutionId, int? TaskId)?> GetAsync(string id, CancellationToken ct)
    {
        var r = await hub.DeadLetters.GetEntityIfExistsAsync<TableEntity>(Pk, id, cancellationToken: ct);
        return r.HasValue ? (ToLetter(r.Value!), r.Value!.GetString("Exec"), r.Value!.GetInt32("TaskId")) : null;
    }

    public async Task DeleteAsync(string id, CancellationToken ct) => await hub.DeadLetters.DeleteEntityAsync(Pk, id, ETag.All, ct);

    private static DeadLetter ToLetter(TableEntity e) => new(
        e.RowKey, e.GetString("InstanceId"), e.GetString("Kind"), e.GetString("Name"),
        e.GetInt32("Attempts") ?? 0, e.GetString("LastError") ?? "", e.GetDateTimeOffset("At") ?? default);
}
