using Azure;
using Azure.Data.Tables;

namespace Approvals.Functions.Storage;

/// <summary>
/// Optimistic read-modify-write on one entity: several activities and callbacks touch the same case rows,
/// so every change is applied to the row as stored and committed only if nobody wrote in between (ETag).
/// </summary>
internal static class TableUpdates
{
    private const int MaxAttempts = 20;

    /// <summary>
    /// Reads the entity, lets <paramref name="mutate"/> change it (returning false when nothing needs writing),
    /// and replaces it conditionally; retries on ETag conflicts. Returns the entity as written, with its new ETag (or as found).
    /// </summary>
    public static async Task<T?> UpdateAsync<T>(this TableClient table, string partitionKey, string rowKey, Func<T, bool> mutate, CancellationToken cancellationToken)
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
                var response = await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                // The entity as written, with the ETag it has now: a caller that writes it again (the licence issuer
                // marking the case Issued) needs no read. Without this every such write failed with 412 first.
                entity.ETag = response.Headers.ETag ?? entity.ETag;
                return entity;
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < MaxAttempts)
            {
                // Someone else wrote the row: re-read and re-apply.
            }
        }
    }

    /// <summary>Inserts; returns false when the row already exists.</summary>
    public static async Task<bool> TryAddAsync<T>(this TableClient table, T entity, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        try
        {
            await table.AddEntityAsync(entity, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }
}
