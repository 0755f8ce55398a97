using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;

namespace Approvals.Durable.Storage;

/// <summary>
/// Group commit of independent single-row writes into the instance table: writes to the same partition that are
/// waiting at the same time share one entity-group transaction (inbox inserts from many senders, outbox-flag
/// clears of many instances). Each write completes only when its own row is stored. A shared transaction fails as a
/// whole if any row fails (an inbox row already there, an ETag that moved), so then every write of that batch is
/// retried on its own and gets its own outcome — batching never changes what a single write would have done.
/// </summary>
internal sealed class PartitionBatcher(TableClient table)
{
    private readonly ConcurrentDictionary<string, Queue> _queues = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="action"/>, in a transaction shared with other writes to its partition when possible.</summary>
    public Task WriteAsync(TableTransactionAction action, CancellationToken ct)
    {
        var write = new Write(action);
        var queue = _queues.GetOrAdd(action.Entity.PartitionKey, _ => new Queue());
        bool drain;
        lock (queue.Gate)
        {
            queue.Waiting.Add(write);
            drain = !queue.Draining;
            queue.Draining = true;
        }

        if (drain)
        {
            _ = Task.Run(() => DrainAsync(queue), CancellationToken.None);
        }

        return write.Done.Task.WaitAsync(ct);
    }

    private async Task DrainAsync(Queue queue)
    {
        while (true)
        {
            var batch = new List<Write>();
            lock (queue.Gate)
            {
                var keys = new HashSet<string>(StringComparer.Ordinal);
                foreach (var w in queue.Waiting)
                {
                    // At most one operation per row in a transaction; a repeated row waits for the next one.
                    if (batch.Count == InstanceStore.MaxBatchOperations || !keys.Add(w.Action.Entity.RowKey))
                    {
                        break;
                    }

                    batch.Add(w);
                }

                queue.Waiting.RemoveRange(0, batch.Count);
                if (batch.Count == 0)
                {
                    queue.Draining = false;
                    return;
                }
            }

            await CommitAsync(batch);
        }
    }

    private async Task CommitAsync(List<Write> batch)
    {
        if (batch.Count > 1)
        {
            try
            {
                await table.SubmitTransactionAsync(batch.Select(w => w.Action), CancellationToken.None);
                batch.ForEach(w => w.Done.TrySetResult());
                return;
            }
            catch (RequestFailedException)
            {
                // One row's failure failed them all: each on its own below, so each gets its own outcome.
            }
        }

        foreach (var w in batch)
        {
            try
            {
                await WriteOneAsync(w.Action);
                w.Done.TrySetResult();
            }
            catch (Exception e)
            {
                w.Done.TrySetException(e);
            }
        }
    }

    /// <summary>The write as the single request it stands for, so its failure is exactly that request's.</summary>
    private Task WriteOneAsync(TableTransactionAction action) => action.ActionType switch
    {
        TableTransactionActionType.Add => table.AddEntityAsync(action.Entity, CancellationToken.None),
        TableTransactionActionType.UpdateMerge => table.UpdateEntityAsync(action.Entity, action.ETag, TableUpdateMode.Merge, CancellationToken.None),
        TableTransactionActionType.UpdateReplace => table.UpdateEntityAsync(action.Entity, action.ETag, TableUpdateMode.Replace, CancellationToken.None),
        _ => table.SubmitTransactionAsync([action], CancellationToken.None),
    };

    private sealed class Queue
    {
        public Lock Gate { get; } = new();

        public List<Write> Waiting { get; } = [];

        public bool Draining { get; set; }
    }

    private sealed class Write(TableTransactionAction action)
    {
        public TableTransactionAction Action { get; } = action;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
