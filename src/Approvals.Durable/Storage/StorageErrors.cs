using Azure;

namespace Approvals.Durable.Storage;

/// <summary>The one place that turns storage failures into outcomes the engine acts on.</summary>
internal static class StorageErrors
{
    /// <summary>Another writer changed the row since we read it (ETag mismatch): our cached state is stale.</summary>
    public static bool IsConflict(Exception e) => e is RequestFailedException { Status: 412 } || IsBatchStatus(e, 412);

    /// <summary>The row (or container/queue) already exists.</summary>
    public static bool IsAlreadyExists(Exception e) => e is RequestFailedException { Status: 409 } || IsBatchStatus(e, 409);

    public static bool IsNotFound(Exception e) => e is RequestFailedException { Status: 404 } || IsBatchStatus(e, 404);

    private static bool IsBatchStatus(Exception e, int status)
        => e is Azure.Data.Tables.TableTransactionFailedException t && t.Status == status;
}

/// <summary>Our cached view of an instance is stale: another writer committed first. Reload and retry.</summary>
internal sealed class StaleInstanceException(string instanceId) : Exception($"Instance '{instanceId}' was changed by another writer.")
{
    public string InstanceId { get; } = instanceId;
}
