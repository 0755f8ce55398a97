using System.Collections.Concurrent;
using Azure.Data.Tables;

namespace Approvals.Functions.Storage;

/// <summary>
/// Group commit for blind upserts into shared partitions (a department's inbox, a month's statistics facts): callers
/// that write the same partition at about the same time share one entity-group transaction instead of a request
/// each. Every caller still returns only after its own rows are stored, so nothing is acknowledged early.
/// Only for upserts that need no read and no ETag — each row's final state must not depend on a row written by
/// another caller in the same batch. Rows of one caller's group commit together (one transaction); rows of the same
/// key from different callers are committed in arrival order, in separate transactions.
/// If a shared transaction fails, each group is retried on its own, so one bad row fails only its own caller.
/// </summary>
internal sealed class UpsertBatcher
{
    // The service allows 100 operations per transaction.
    private const int MaxOperations = 100;

    // One queue per partition ever written; the partitions it is used for are few (departments, months).
    private readonly ConcurrentDictionary<string, PartitionQueue> _queues = new(StringComparer.Ordinal);

    /// <summary>Upserts one row, sharing a transaction with concurrent upserts into the same partition.</summary>
    public Task UpsertAsync(TableClient table, ITableEntity entity, TableUpdateMode mode, CancellationToken cancellationToken) =>
        UpsertAllAsync(table, [entity], mode, cancellationToken);

    /// <summary>Upserts rows of one partition together (all in one transaction), possibly with others' rows.</summary>
    public async Task UpsertAllAsync(TableClient table, IReadOnlyList<ITableEntity> entities, TableUpdateMode mode, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(entities.Count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(entities.Count, MaxOperations);
        var pk = entities[0].PartitionKey;
        if (entities.Any(e => e.PartitionKey != pk))
        {
            throw new ArgumentException("Rows upserted together share one partition.", nameof(entities));
        }

        var type = mode == TableUpdateMode.Merge ? TableTransactionActionType.UpsertMerge : TableTransactionActionType.UpsertReplace;
        var group = new UpsertGroup(entities.Select(e => new TableTransactionAction(type, e)).ToList());
        var queue = _queues.GetOrAdd(table.Name + "\n" + pk, _ => new PartitionQueue(table));
        bool drain;
        lock (queue.Gate)
        {
            queue.Waiting.Add(group);
            drain = !queue.Draining;
            queue.Draining = true;
        }

        if (drain)
        {
            _ = Task.Run(() => DrainAsync(queue), CancellationToken.None);
        }

        await group.Done.Task.WaitAsync(cancellationToken);
    }

    private static async Task DrainAsync(PartitionQueue queue)
    {
        while (true)
        {
            var batch = new List<UpsertGroup>();
            lock (queue.Gate)
            {
                var keys = new HashSet<string>(StringComparer.Ordinal);
                var operations = 0;
                foreach (var g in queue.Waiting)
                {
                    // A transaction may not touch a row twice: a repeated key waits for the next one.
                    if (operations + g.Actions.Count > MaxOperations || g.Actions.Any(a => keys.Contains(a.Entity.RowKey)))
                    {
                        break;
                    }

                    batch.Add(g);
                    operations += g.Actions.Count;
                    keys.UnionWith(g.Actions.Select(a => a.Entity.RowKey));
                }

                queue.Waiting.RemoveRange(0, batch.Count);
                if (batch.Count == 0)
                {
                    queue.Draining = false;
                    return;
                }
            }

            await CommitAsync(queue.Table, batch);
        }
    }

    private static async Task CommitAsync(TableClient table, List<UpsertGroup> batch)
    {
        try
        {
            await table.SubmitTransactionAsync(batch.SelectMany(g => g.Actions), CancellationToken.None);
            batch.ForEach(g => g.Done.TrySetResult());
            return;
        }
        catch (Exception) when (batch.Count > 1)
        {
            // Fall through: each group on its own, so only the group at fault sees the failure.
        }
        catch (Exception e)
        {
            batch[0].Done.TrySetException(e);
            return;
        }

        foreach (var g in batch)
        {
            try
            {
                await table.SubmitTransactionAsync(g.Actions, CancellationToken.None);
                g.Done.TrySetResult();
            }
            catch (Exception e)
            {
                g.Done.TrySetException(e);
            }
        }
    }

    private sealed class PartitionQueue(TableClient table)
    {
        public TableClient Table { get; } = table;

        public Lock Gate { get; } = new();

        public List<UpsertGroup> Waiting { get; } = [];

        public bool Draining { get; set; }
    }

    private sealed class UpsertGroup(List<TableTransactionAction> actions)
    {
        public List<TableTransactionAction> Actions { get; } = actions;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
