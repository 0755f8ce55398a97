using System.Collections.Concurrent;
using Approvals.Durable.Storage;
using Azure.Data.Tables;

namespace Approvals.Functions.Storage;

/// <summary>
/// One <see cref="PartitionBatcher"/> per table: writes that need no read and land in a partition other writers use
/// at the same moment (a department's inbox, a month's statistics, the rows of one case written by its parallel
/// steps) share entity-group transactions. Each write still completes only once stored, and fails alone exactly as
/// it would have unshared, so callers keep their semantics (an insert that finds its row gets a 409).
/// </summary>
internal sealed class TableBatchers
{
    private readonly ConcurrentDictionary<string, PartitionBatcher> _tables = new(StringComparer.Ordinal);

    public PartitionBatcher For(TableClient table) => _tables.GetOrAdd(table.Name, _ => new PartitionBatcher(table));

    /// <summary>Upserts rows of one partition together (one transaction, possibly shared).</summary>
    public Task UpsertAsync(TableClient table, IReadOnlyList<ITableEntity> entities, TableUpdateMode mode, CancellationToken cancellationToken)
    {
        var type = mode == TableUpdateMode.Merge ? TableTransactionActionType.UpsertMerge : TableTransactionActionType.UpsertReplace;
        return For(table).SubmitAsync(entities.Select(e => new TableTransactionAction(type, e)).ToList(), cancellationToken);
    }
}
