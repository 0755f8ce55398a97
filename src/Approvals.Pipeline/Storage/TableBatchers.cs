using System.Collections.Concurrent;
using Approvals.Pipeline.Storage;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Approvals.Pipeline.Storage;

/// <summary>
/// One <see cref="PartitionBatcher"/> per table: writes that need no read and land in a partition other writers use
/// at the same moment (a department's inbox, a month's statistics, the rows of one case written by its parallel
/// steps) share entity-group transactions. Each write still completes only once stored, and fails alone exactly as
/// it would have unshared, so callers keep their semantics (an insert that finds its row gets a 409).
/// </summary>
/// <remarks>
/// Projections — the department inboxes, the statistics facts, the timeline — are read by people and pages that can
/// wait a moment, and are written by activities whose next step does not depend on the exact millisecond. Their
/// batchers linger (<c>Projections:LingerMilliseconds</c>, 50 by default): a write to an idle partition waits that
/// long for others, so at moderate load, when little is in flight, writes of different cases still share
/// transactions. Rows the applicant or a department reads back at once (case, steps, view) never linger.
/// </remarks>
internal sealed class TableBatchers(IOptions<Hosting.HostingOptions> options)
{
    private readonly ConcurrentDictionary<string, PartitionBatcher> _tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PartitionBatcher> _projections = new(StringComparer.Ordinal);
    private readonly TimeSpan _linger = TimeSpan.FromMilliseconds(options.Value.Projections.LingerMilliseconds);

    /// <summary>The batcher of a table whose writes go out at once when nothing else is in flight.</summary>
    public PartitionBatcher For(TableClient table) => _tables.GetOrAdd(table.Name, _ => new PartitionBatcher(table));

    /// <summary>The batcher of a projection table: a write to an idle partition lingers for others (see remarks).</summary>
    public PartitionBatcher ForProjection(TableClient table) => _projections.GetOrAdd(table.Name, _ => new PartitionBatcher(table, _linger));

    /// <summary>Upserts rows of one partition of a projection together (one transaction, possibly shared).</summary>
    public Task UpsertProjectionAsync(TableClient table, IReadOnlyList<ITableEntity> entities, TableUpdateMode mode, CancellationToken cancellationToken)
    {
        var type = mode == TableUpdateMode.Merge ? TableTransactionActionType.UpsertMerge : TableTransactionActionType.UpsertReplace;
        return ForProjection(table).SubmitAsync(entities.Select(e => new TableTransactionAction(type, e)).ToList(), cancellationToken);
    }
}
