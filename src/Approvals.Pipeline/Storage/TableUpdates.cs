using Azure;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Storage;

/// <summary>
/// Optimistic read-modify-write on one entity: several activities and callbacks touch the same case rows,
/// so every change is applied to the row as stored and committed only if nobody wrote in between (ETag).
/// A write may carry more operations on the same partition (a case row's copy in its view row,
/// <see cref="Cases.CaseViewRow"/>): all then go in one entity-group transaction.
/// </summary>
internal static class TableUpdates
{
    private const int MaxAttempts = 20;

    /// <summary>
    /// Reads the entity, lets <paramref name="mutate"/> change it (returning false when nothing needs writing),
    /// and replaces it conditionally (with <paramref name="alsoWrite"/>'s operation, if given); retries on ETag
    /// conflicts. Returns the entity as written, with its new ETag (or as found).
    /// </summary>
    public static async Task<T?> UpdateAsync<T>(this TableClient table, string partitionKey, string rowKey, Func<T, bool> mutate, CancellationToken cancellationToken, Func<T, IReadOnlyList<TableTransactionAction>>? alsoWrite = null)
        where T : class, ITableEntity, new()
    {
        for (var attempt = 1; ; attempt++)
        {
            var found = await table.GetEntityIfExistsAsync<T>(partitionKey, rowKey, cancellationToken: cancellationToken);
            if (!found.HasValue || found.Value is null)
            {
                return null;
            }

            var entity = found.Value;
            if (!mutate(entity))
            {
                return entity;
            }

            try
            {
                // The entity as written, with the ETag it has now: a caller that writes it again (the licence issuer
                // marking the case Issued) needs no read. Without this every such write failed with 412 first.
                entity.ETag = await table.ReplaceAsync(entity, entity.ETag, alsoWrite?.Invoke(entity) ?? [], cancellationToken);
                return entity;
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < MaxAttempts)
            {
                // Someone else wrote the row: re-read and re-apply.
            }
        }
    }

    /// <summary>Replaces the entity under <paramref name="etag"/> (with <paramref name="alsoWrite"/> in the same transaction); its new ETag. 412 when it moved.</summary>
    public static Task<ETag> ReplaceAsync(this TableClient table, ITableEntity entity, ETag etag, TableTransactionAction alsoWrite, CancellationToken cancellationToken) =>
        table.ReplaceAsync(entity, etag, [alsoWrite], cancellationToken);

    /// <summary>Replaces the entity under <paramref name="etag"/> with the operations of <paramref name="alsoWrite"/> in the same transaction; its new ETag. 412 when it moved.</summary>
    public static async Task<ETag> ReplaceAsync(this TableClient table, ITableEntity entity, ETag etag, IReadOnlyList<TableTransactionAction> alsoWrite, CancellationToken cancellationToken)
    {
        if (alsoWrite.Count == 0)
        {
            return (await table.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken)).Headers.ETag ?? etag;
        }

        var responses = (await table.SubmitTransactionAsync([new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, etag), .. alsoWrite], cancellationToken)).Value;
        return responses[0].Headers.ETag ?? etag;
    }

    /// <summary>Inserts (with <paramref name="alsoWrite"/> in the same transaction); returns false when the row already exists and nothing was written.</summary>
    public static async Task<bool> TryAddAsync<T>(this TableClient table, T entity, CancellationToken cancellationToken, TableTransactionAction? alsoWrite = null)
        where T : class, ITableEntity
    {
        try
        {
            if (alsoWrite is null)
            {
                await table.AddEntityAsync(entity, cancellationToken);
            }
            else
            {
                await table.SubmitTransactionAsync([new TableTransactionAction(TableTransactionActionType.Add, entity), alsoWrite], cancellationToken);
            }

            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409 && e is not TableTransactionFailedException { FailedTransactionActionIndex: > 0 })
        {
            return false;
        }
    }
}
