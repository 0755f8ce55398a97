using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Storage;

/// <summary>
/// Group commit for one table (the engine's instance table; the app's shared partitions): writes to the same partition that are waiting at the same time share one
/// entity-group transaction — episode commits and creations of different instances, inbox inserts from many
/// senders, outbox-flag clears. Each write is itself all-or-nothing (its operations are never split) and completes
/// only when stored. A shared transaction fails as a whole if any write in it fails (an ETag that moved, a row
/// already there), so then every write of that batch is submitted again on its own and gets its own outcome:
/// batching never changes what a write alone would have done, it only saves round-trips. A row may appear only once
/// in a transaction, so writes touching the same row wait for the next one — except upsert-merges of a
/// <see cref="TableEntity"/>, which fold into one operation in submission order (the row ends as after the writes one
/// by one; each write gets that operation's response).
/// <para>
/// A write that finds its partition idle goes out at once, unless a <em>linger</em> is set: then it waits that long
/// for others to join it (group commit with a bounded delay). Writes that arrive while a transaction is in flight
/// never linger: they go in the next one as soon as it returns. An <em>urgent</em> write (someone is waiting on it,
/// e.g. a client raising an event) never lingers and ends a linger in progress, taking the writes gathered so far
/// with it. Meant for writes whose effect can wait a few milliseconds — projections read by people (inboxes,
/// statistics, the timeline), the engine's own checkpoints — where a lone write per transaction is the common case
/// at moderate load.
/// </para>
/// </summary>
/// <param name="table">The table written.</param>
/// <param name="linger">How long a write arriving at an idle partition waits for others (zero: not at all).</param>
internal sealed class PartitionBatcher(TableClient table, TimeSpan linger = default)
{
    // Well under the service's 4 MiB per transaction, counting each string char as up to 3 UTF-8 bytes.
    private const long MaxSharedBytes = 2 * 1024 * 1024;
    // A table transaction holds at most 100 operations; one stays free, as the callers' writes are sized for 99.
    private const int MaxOperations = 99;
    private readonly ConcurrentDictionary<string, Queue> _queues = new(StringComparer.Ordinal);

    /// <summary>Submits one write (operations on one partition, at most 99), possibly in a transaction shared with others.</summary>
    /// <param name="actions">The write's operations; they commit together or not at all.</param>
    /// <param name="ct">Stops waiting (the write may still be committed).</param>
    /// <param name="urgent">Never linger, and end a linger in progress: someone is waiting on this write.</param>
    /// <returns>The responses to this write's operations, in order.</returns>
    /// <exception cref="RequestFailedException">The write failed alone (e.g. 409, 412, 404), exactly as it would have unshared.</exception>
    public Task<IReadOnlyList<Response>> SubmitAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken ct, bool urgent = false)
    {
        var write = new Write(actions);
        var queue = _queues.GetOrAdd(actions[0].Entity.PartitionKey, pk => new Queue(pk));
        bool drain;
        lock (queue.Gate)
        {
            queue.Waiting.Add(write);
            drain = !queue.Draining;
            queue.Draining = true;
            if (urgent)
            {
                queue.Urgent = true;
                queue.LingerCut?.TrySetResult();
            }
        }

        if (drain)
        {
            _ = Task.Run(() => DrainAsync(queue), CancellationToken.None);
        }

        return write.Done.Task.WaitAsync(ct);
    }

    private async Task DrainAsync(Queue queue)
    {
        if (linger > TimeSpan.Zero)
        {
            Task cut;
            lock (queue.Gate)
            {
                cut = queue.Urgent ? Task.CompletedTask : (queue.LingerCut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            if (!cut.IsCompleted)
            {
                using var stop = new CancellationTokenSource();
                await Task.WhenAny(cut, Task.Delay(linger, stop.Token));
                await stop.CancelAsync(); // a linger ended early leaves no timer behind
            }

            lock (queue.Gate)
            {
                queue.LingerCut = null;
            }
        }

        while (true)
        {

            var batch = new List<Write>();
            lock (queue.Gate)
            {
                var keys = new HashSet<string>(StringComparer.Ordinal);
                var mergeable = new HashSet<string>(StringComparer.Ordinal);
                var operations = 0;
                long bytes = 0;
                foreach (var w in queue.Waiting)
                {
                    // At most 99 operations and one per row in a transaction; a write that does not fit waits. Upsert-merges
                    // of the same row (e.g. several writers' copies into one summary row) combine into one operation.
                    if (batch.Count > 0 && (operations + w.Actions.Count > MaxOperations || bytes + w.Bytes > MaxSharedBytes
                        || w.Actions.Any(a => keys.Contains(a.Entity.RowKey) && !(IsCombinable(a) && mergeable.Contains(a.Entity.RowKey)))))
                    {
                        break;
                    }

                    batch.Add(w);
                    operations += w.Actions.Count;
                    bytes += w.Bytes;
                    foreach (var a in w.Actions)
                    {
                        if (keys.Add(a.Entity.RowKey) && IsCombinable(a))
                        {
                            mergeable.Add(a.Entity.RowKey);
                        }
                        else if (!IsCombinable(a))
                        {
                            mergeable.Remove(a.Entity.RowKey);
                        }
                    }
                }

                queue.Waiting.RemoveRange(0, batch.Count);
                queue.Urgent = false; // the next drain starts from an idle partition again
                if (batch.Count == 0)
                {
                    // Idle queues are dropped, so one per case partition does not pile up. A writer that got this
                    // queue just before finds Draining false and drains it itself: only sharing is lost, never a write.
                    queue.Draining = false;
                    _queues.TryRemove(new KeyValuePair<string, Queue>(queue.PartitionKey, queue));
                    return;
                }
            }

            try
            {
                await CommitAsync(batch);
            }
            catch (Exception e)
            {
                // CommitAsync gives every write its outcome; should anything escape it, the writes taken still get one
                // and the drain goes on, so a partition's queue can never stop.
                foreach (var w in batch)
                {
                    w.Done.TrySetException(e);
                }
            }
        }
    }

    private async Task CommitAsync(List<Write> batch)
    {
        var byTable = new KeyValuePair<string, object?>("table", table.Name);
        Hosting.ApprovalsTelemetry.BatchedWrites.Add(batch.Count, byTable);
        Hosting.ApprovalsTelemetry.BatchTransactions.Add(1, byTable);
        if (batch.Count > 1)
        {
            try
            {
                var (actions, positions) = Combine(batch);
                var responses = (await table.SubmitTransactionAsync(actions, CancellationToken.None)).Value;
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(positions[i].Select(p => responses[p]).ToList());
                }

                return;
            }
            catch (Exception)
            {
                // One write's failure failed them all (a conflict, or the service unreachable after the SDK's retries:
                // an AggregateException, a timeout): each on its own below, so each gets its own outcome.
                Hosting.ApprovalsTelemetry.BatchTransactions.Add(batch.Count, byTable);
            }
        }

        foreach (var w in batch)
        {
            try
            {
                w.Done.TrySetResult((await table.SubmitTransactionAsync(w.Actions, CancellationToken.None)).Value);
            }
            catch (Exception e)
            {
                w.Done.TrySetException(e);
            }
        }
    }

    /// <summary>An upsert-merge of a dynamic entity: two of them on one row equal one with both property sets (the later wins).</summary>
    private static bool IsCombinable(TableTransactionAction a) => a.ActionType == TableTransactionActionType.UpsertMerge && a.Entity is TableEntity;

    /// <summary>
    /// The operations of a shared transaction, upsert-merges of one row folded into one in submission order (so the
    /// row ends as it would after the writes one by one), and where each write's responses are in the answer.
    /// </summary>
    private static (List<TableTransactionAction> Actions, List<int[]> Positions) Combine(List<Write> batch)
    {
        var actions = new List<TableTransactionAction>();
        var merged = new Dictionary<string, int>(StringComparer.Ordinal);
        var positions = new List<int[]>(batch.Count);
        foreach (var w in batch)
        {
            var at = new int[w.Actions.Count];
            for (var i = 0; i < w.Actions.Count; i++)
            {
                var a = w.Actions[i];
                if (IsCombinable(a) && merged.TryGetValue(a.Entity.RowKey, out var existing))
                {
                    var into = (TableEntity)actions[existing].Entity;
                    foreach (var (name, value) in (TableEntity)a.Entity)
                    {
                        if (name is not ("PartitionKey" or "RowKey" or "odata.etag" or "Timestamp"))
                        {
                            into[name] = value;
                        }
                    }

                    at[i] = existing;
                    continue;
                }

                if (IsCombinable(a))
                {
                    // A copy: the caller's entity is not changed by folding others into it.
                    merged[a.Entity.RowKey] = actions.Count;
                    a = new TableTransactionAction(a.ActionType, new TableEntity((TableEntity)a.Entity), a.ETag);
                }

                at[i] = actions.Count;
                actions.Add(a);
            }

            positions.Add(at);
        }

        return (actions, positions);
    }

    private static long EstimateBytes(TableTransactionAction action) => 64 + action.Entity.RowKey.Length * 3L + (action.Entity is TableEntity e
        ? e.Sum(p => p.Key.Length + p.Value switch { string s => s.Length * 3L, byte[] b => b.Length * 4L / 3, BinaryData d => d.ToMemory().Length * 4L / 3, _ => 16L })
        : 64 * 1024);

    private sealed class Queue(string partitionKey)
    {
        public string PartitionKey { get; } = partitionKey;

        public Lock Gate { get; } = new();

        public List<Write> Waiting { get; } = [];

        public bool Draining { get; set; }

        /// <summary>An urgent write is waiting: the drain does not linger.</summary>
        public bool Urgent { get; set; }

        /// <summary>Set while the drain lingers; completing it ends the linger.</summary>
        public TaskCompletionSource? LingerCut { get; set; }
    }

    private sealed class Write(IReadOnlyList<TableTransactionAction> actions)
    {
        public IReadOnlyList<TableTransactionAction> Actions { get; } = actions;

        public long Bytes { get; } = actions.Sum(EstimateBytes);

        public TaskCompletionSource<IReadOnlyList<Response>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
