using System.Collections.Concurrent;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Supervision;

/// <summary>
/// The hash-chained timeline (电子监察: every operation recorded, nobody can edit the record unnoticed).
/// Appends of one case are queued per process and committed in order by one drain loop, as many as are waiting in
/// one entity-group transaction: [entry, idempotency key] per append, then the head replaced with its ETag. Cases
/// share a table partition by shard (<see cref="TimelineKeys"/>), so transactions of different cases waiting at the
/// same moment go out together (<see cref="Storage.PartitionBatcher"/>), each still all-or-nothing. The head
/// is cached per case (seq, hash, ETag) so an append costs no read; a stale cache (another process appended) fails
/// the transaction on the head's ETag or an existing entry row and is replaced by a fresh read. Hence, as before:
/// two writers cannot both win, seqs are gap-free and unique, each entry hashes onto the one before it, and a
/// repeated idempotency key (a re-run) fails on its key row and returns the entry first appended.
/// </summary>
internal sealed partial class TimelineStore(SupervisionStorage storage, TimelineAnchors anchors, Storage.TableBatchers batchers, ILogger<TimelineStore> logger)
{
    // Many processes appending to one case at the same instant need several rounds; far more is a fault.
    private const int MaxAttempts = 100;

    // Two rows per entry plus the head: 40 entries are 81 operations, under the service's 100 per transaction.
    private const int MaxEntriesPerTransaction = 40;

    // Chains of cases still running; a finished case's chain is dropped at once, the rest beyond this bound too.
    private const int MaxCachedChains = 10_000;

    private readonly ConcurrentDictionary<string, TimelineChain> _chains = new(StringComparer.Ordinal);

    public async Task<TimelineEntry> AppendAsync(TimelineAppend append, CancellationToken cancellationToken) =>
        (await AppendAllAsync([append], cancellationToken))[0];

    /// <summary>Appends several entries of one case in this order (one transaction when they fit).</summary>
    public async Task<IReadOnlyList<TimelineEntry>> AppendAllAsync(IReadOnlyList<TimelineAppend> appends, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(appends.Count);
        foreach (var a in appends)
        {
            ArgumentException.ThrowIfNullOrEmpty(a.CaseId);
            ArgumentException.ThrowIfNullOrEmpty(a.IdempotencyKey);
            if (a.CaseId != appends[0].CaseId)
            {
                throw new ArgumentException("Entries appended together belong to one case.", nameof(appends));
            }
        }

        await storage.EnsureCreatedAsync(cancellationToken);
        var pending = appends.Select(a => new PendingAppend(a, TimelineHash.FormatAt(a.At), TimelineHash.DetailsJson(a.Details), TimelineHash.ClockJson(a.Clock))).ToList();
        var chain = _chains.GetOrAdd(appends[0].CaseId, id => new TimelineChain(id));
        bool drain;
        lock (chain.Gate)
        {
            chain.Waiting.AddRange(pending);
            drain = !chain.Committing;
            chain.Committing = true;
        }

        if (drain)
        {
            _ = Task.Run(() => DrainAsync(chain), CancellationToken.None);
        }

        return await Task.WhenAll(pending.Select(p => p.Done.Task)).WaitAsync(cancellationToken);
    }

    private async Task DrainAsync(TimelineChain chain)
    {
        var finished = false;
        while (true)
        {
            List<PendingAppend> batch;
            lock (chain.Gate)
            {
                if (chain.Waiting.Count == 0)
                {
                    chain.Committing = false;
                    break;
                }

                batch = chain.Waiting.Take(MaxEntriesPerTransaction).ToList();
                chain.Waiting.RemoveRange(0, batch.Count);
            }

            try
            {
                finished |= await CommitAsync(chain, batch);
            }
            catch (Exception e)
            {
                // Unknown outcome (the transaction may have committed): forget the head; callers retry (activities
                // run again) and find their keys if it did.
                chain.Forget();
                foreach (var p in batch)
                {
                    p.Done.TrySetException(e);
                }
            }
        }

        if (finished || _chains.Count > MaxCachedChains)
        {
            TrimCache(finished ? chain : null);
        }
    }

    /// <summary>Commits one batch; true when it ended the case's chain (a final event was appended).</summary>
    private async Task<bool> CommitAsync(TimelineChain chain, List<PendingAppend> batch)
    {
        // The same key twice (an activity re-run racing itself) is one entry, and every waiter gets it.
        var groups = batch.GroupBy(p => p.Append.IdempotencyKey, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        var pk = chain.Partition;
        var caseId = batch[0].Append.CaseId;
        for (var attempt = 1; groups.Count > 0; attempt++)
        {
            if (!chain.HeadKnown)
            {
                var found = await storage.Timeline.GetEntityIfExistsAsync<TimelineHeadRow>(pk, TimelineKeys.Head(caseId), cancellationToken: CancellationToken.None);
                chain.Head = found.HasValue && found.Value is { } h ? new CachedHead(h.LastSeq, h.LastHash, h.ETag) : null;
                chain.HeadKnown = true;
            }

            var head = chain.Head;
            var (rows, actions) = Build(pk, caseId, head, groups);
            try
            {
                // Shared with other cases' appends in the same shard when they wait at the same moment; a failure is
                // this transaction's own (the batcher retries a failed shared transaction write by write).
                var responses = await batchers.ForProjection(storage.Timeline).SubmitAsync(actions, CancellationToken.None);
                var last = rows[^1];
                chain.Head = responses[^1].Headers.ETag is { } etag ? new CachedHead(last.Seq, last.Hash, etag) : null;
                chain.HeadKnown = chain.Head is not null;
                var final = false;
                foreach (var row in rows.Where(r => TimelineAnchors.IsFinal(r.Type)))
                {
                    // Anchored before the callers hear back: whoever appended the final event sees it anchored.
                    await anchors.AnchorAsync(caseId, row, CancellationToken.None);
                    final = true;
                }

                for (var i = 0; i < groups.Count; i++)
                {
                    var entry = TimelineMapping.ToEntry(rows[i]);
                    groups[i].ForEach(p => p.Done.TrySetResult(entry));
                }

                return final;
            }
            catch (TableTransactionFailedException e) when (SupervisionErrors.IsConflict(e) || SupervisionErrors.IsAlreadyExists(e))
            {
                await ResolveConflictAsync(chain, groups, SupervisionErrors.FailedAction(e), actions.Count);
                if (attempt >= MaxAttempts)
                {
                    throw;
                }

                LogAppendRetry(logger, attempt);
                if (attempt > 5)
                {
                    // Jitter only under heavy contention between processes: the first rounds resolve immediately.
                    await Task.Delay(Random.Shared.Next(1, 5 * Math.Min(attempt, 10)));
                }
            }
        }

        return false;
    }

    /// <summary>
    /// A failed transaction names its failed operation: a key row means that append happened before (a re-run), so
    /// its waiters get the first entry and it leaves the batch; anything else means the head moved under us.
    /// </summary>
    private async Task ResolveConflictAsync(TimelineChain chain, List<List<PendingAppend>> groups, int? failed, int operations)
    {
        if (failed is { } i && i % 2 == 1 && i < operations - 1)
        {
            var group = groups[i / 2];
            if (await FindByKeyAsync(chain.CaseId, group[0].Append.IdempotencyKey, CancellationToken.None) is { } existing)
            {
                group.ForEach(p => p.Done.TrySetResult(existing));
                groups.Remove(group);
                return;
            }
        }

        chain.Forget();
        if (failed is null)
        {
            // The service did not say which operation failed: look for already appended keys one by one (rare).
            foreach (var group in groups.ToList())
            {
                if (await FindByKeyAsync(chain.CaseId, group[0].Append.IdempotencyKey, CancellationToken.None) is { } existing)
                {
                    group.ForEach(p => p.Done.TrySetResult(existing));
                    groups.Remove(group);
                }
            }
        }
    }

    private static (List<TimelineRow> Rows, List<TableTransactionAction> Actions) Build(string pk, string caseId, CachedHead? head, List<List<PendingAppend>> groups)
    {
        var rows = new List<TimelineRow>(groups.Count);
        var actions = new List<TableTransactionAction>(2 * groups.Count + 1);
        var seq = head?.LastSeq ?? 0;
        var prev = head?.LastHash ?? TimelineHash.Genesis(caseId);
        foreach (var p in groups.Select(g => g[0]))
        {
            seq++;
            var a = p.Append;
            var row = new TimelineRow
            {
                PartitionKey = pk,
                RowKey = TimelineKeys.Entry(caseId, seq),
                Seq = seq,
                At = p.At,
                Type = a.Type,
                Actor = a.Actor,
                Department = string.IsNullOrEmpty(a.DepartmentId) ? null : a.DepartmentId,
                Details = p.Details,
                Clock = p.Clock,
                PrevHash = prev,
                IdempotencyKey = a.IdempotencyKey,
            };
            row.Hash = row.Recompute();
            prev = row.Hash;
            rows.Add(row);
            // Entry at 2i, its key at 2i+1, the head last: ResolveConflictAsync reads the failed index this way.
            actions.Add(new(TableTransactionActionType.Add, row));
            actions.Add(new(TableTransactionActionType.Add, new TimelineKeyRow { PartitionKey = pk, RowKey = TimelineKeys.Key(caseId, a.IdempotencyKey), Seq = seq }));
        }

        var lastAppend = groups[^1][0].Append;
        var newHead = new TimelineHeadRow { PartitionKey = pk, RowKey = TimelineKeys.Head(caseId), CaseId = lastAppend.CaseId, CaseNumber = lastAppend.CaseNumber, LastSeq = seq, LastHash = prev };
        actions.Add(head is null
            ? new(TableTransactionActionType.Add, newHead)
            : new(TableTransactionActionType.UpdateReplace, newHead, head.ETag));
        return (rows, actions);
    }

    private void TrimCache(TimelineChain? finished)
    {
        foreach (var chain in finished is not null ? [finished] : _chains.Values.Take(_chains.Count - (MaxCachedChains * 9 / 10)).ToList())
        {
            lock (chain.Gate)
            {
                // A chain still in use stays; one removed meanwhile and used again is only a cache miss.
                if (!chain.Committing && chain.Waiting.Count == 0)
                {
                    _chains.TryRemove(new KeyValuePair<string, TimelineChain>(chain.CaseId, chain));
                }
            }
        }
    }

    /// <summary>Reads the whole timeline of a case and verifies the chain; null when the case has no timeline.</summary>
    public async Task<VerifiedTimeline?> ReadAsync(string caseId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var pk = TimelineKeys.Partition(caseId);
        // Entries, then anchors, then the head. An append commits its entries together with the head (one
        // transaction) and anchors them afterwards, so on a running case the head read last may be ahead of the
        // entries read first — never behind them. The entries up to that head are then read too (they exist: they
        // were committed with it), and the chain is verified up to the head. Rows beyond the head seen by the first
        // query were never written by an append and are reported, as is a chain that stays short of its head.
        var rows = await QueryEntriesAsync(pk, TimelineKeys.EntriesStart(caseId), TimelineKeys.EntriesEnd(caseId), inclusiveEnd: false, cancellationToken);
        var anchored = await anchors.ReadAsync(caseId, cancellationToken);
        var found = await storage.Timeline.GetEntityIfExistsAsync<TimelineHeadRow>(pk, TimelineKeys.Head(caseId), cancellationToken: cancellationToken);
        var head = found.HasValue ? found.Value : null;
        if (rows.Count == 0 && head is null)
        {
            return null;
        }

        var last = rows.Count == 0 ? 0 : rows.Max(r => r.Seq);
        if (head is not null && head.LastSeq > last)
        {
            rows.AddRange(await QueryEntriesAsync(pk, TimelineKeys.Entry(caseId, last + 1), TimelineKeys.Entry(caseId, head.LastSeq), inclusiveEnd: true, cancellationToken));
        }

        return TimelineVerifier.Verify(caseId, rows, head, anchored);
    }

    private async Task<List<TimelineRow>> QueryEntriesAsync(string pk, string from, string to, bool inclusiveEnd, CancellationToken cancellationToken)
    {
        var filter = inclusiveEnd
            ? TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {from} and RowKey le {to}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {from} and RowKey lt {to}");
        var rows = new List<TimelineRow>();
        await foreach (var row in storage.Timeline.QueryAsync<TimelineRow>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    private async Task<TimelineEntry?> FindByKeyAsync(string caseId, string idempotencyKey, CancellationToken cancellationToken)
    {
        var pk = TimelineKeys.Partition(caseId);
        var key = await storage.Timeline.GetEntityIfExistsAsync<TimelineKeyRow>(pk, TimelineKeys.Key(caseId, idempotencyKey), cancellationToken: cancellationToken);
        if (!key.HasValue || key.Value is null)
        {
            return null;
        }

        var entry = await storage.Timeline.GetEntityAsync<TimelineRow>(pk, TimelineKeys.Entry(caseId, key.Value.Seq), cancellationToken: cancellationToken);
        return TimelineMapping.ToEntry(entry.Value);
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "Timeline append lost the race for the head (attempt {Attempt}); retrying.")]
    private static partial void LogAppendRetry(ILogger logger, int attempt);
}
