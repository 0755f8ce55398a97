using Azure.Data.Tables;

namespace Approvals.Functions.Supervision;

/// <summary>
/// The hash-chained timeline (电子监察: every operation recorded, nobody can edit the record unnoticed).
/// An append reads the head, then commits [entry, idempotency key, head] as one entity-group transaction with the
/// head's ETag: two concurrent appends cannot both win, the loser re-reads and appends after the winner, so seqs are
/// gap-free and unique. A repeated idempotency key makes the transaction fail on its key row and returns the entry
/// first appended.
/// </summary>
internal sealed partial class TimelineStore(SupervisionStorage storage, TimelineAnchors anchors, ILogger<TimelineStore> logger)
{
    // Twenty activities of one case appending at the same instant need up to twenty rounds; far more is a fault.
    private const int MaxAttempts = 100;

    public async Task<TimelineEntry> AppendAsync(TimelineAppend append, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(append.CaseId);
        ArgumentException.ThrowIfNullOrEmpty(append.IdempotencyKey);
        await storage.EnsureCreatedAsync(cancellationToken);
        var table = storage.Timeline;
        var pk = TimelineKeys.Partition(append.CaseId);
        var keyRow = TimelineKeys.Key(append.IdempotencyKey);
        var at = TimelineHash.FormatAt(append.At);
        var details = TimelineHash.DetailsJson(append.Details);
        var clock = TimelineHash.ClockJson(append.Clock);
        var department = string.IsNullOrEmpty(append.DepartmentId) ? null : append.DepartmentId;

        for (var attempt = 1; ; attempt++)
        {
            var found = await table.GetEntityIfExistsAsync<TimelineHeadRow>(pk, TimelineKeys.Head, cancellationToken: cancellationToken);
            var head = found.HasValue ? found.Value : null;
            var seq = (head?.LastSeq ?? 0) + 1;
            var row = new TimelineRow
            {
                PartitionKey = pk,
                RowKey = TimelineKeys.Entry(seq),
                Seq = seq,
                At = at,
                Type = append.Type,
                Actor = append.Actor,
                Department = department,
                Details = details,
                Clock = clock,
                PrevHash = head?.LastHash ?? TimelineHash.Genesis(append.CaseId),
                IdempotencyKey = append.IdempotencyKey,
            };
            row.Hash = row.Recompute();

            var newHead = new TimelineHeadRow { PartitionKey = pk, CaseId = append.CaseId, CaseNumber = append.CaseNumber, LastSeq = seq, LastHash = row.Hash };
            var batch = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.Add, row),
                new(TableTransactionActionType.Add, new TimelineKeyRow { PartitionKey = pk, RowKey = keyRow, Seq = seq }),
                head is null
                    ? new(TableTransactionActionType.Add, newHead)
                    : new(TableTransactionActionType.UpdateReplace, newHead, head.ETag),
            };

            try
            {
                await table.SubmitTransactionAsync(batch, cancellationToken);
                if (TimelineAnchors.IsFinal(row.Type))
                {
                    await anchors.AnchorAsync(append.CaseId, row, cancellationToken);
                }

                return TimelineMapping.ToEntry(row);
            }
            catch (TableTransactionFailedException e) when (SupervisionErrors.IsConflict(e) || SupervisionErrors.IsAlreadyExists(e))
            {
                // Either our key is already appended (a re-run: answer with the first entry), or another append
                // moved the head first (retry after it).
                var existing = await FindByKeyAsync(pk, keyRow, cancellationToken);
                if (existing is not null)
                {
                    return existing;
                }

                if (attempt >= MaxAttempts)
                {
                    throw;
                }

                LogAppendRetry(logger, attempt);
                if (attempt > 5)
                {
                    // Jitter only under heavy contention: the first rounds resolve immediately.
                    await Task.Delay(Random.Shared.Next(1, 5 * Math.Min(attempt, 10)), cancellationToken);
                }
            }
        }
    }

    /// <summary>Reads the whole timeline of a case and verifies the chain; null when the case has no timeline.</summary>
    public async Task<VerifiedTimeline?> ReadAsync(string caseId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var pk = TimelineKeys.Partition(caseId);
        var headTask = storage.Timeline.GetEntityIfExistsAsync<TimelineHeadRow>(pk, TimelineKeys.Head, cancellationToken: cancellationToken);
        var anchorTask = anchors.ReadAsync(caseId, cancellationToken);
        var rows = new List<TimelineRow>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {TimelineKeys.EntryPrefix} and RowKey lt {TimelineKeys.EntryEnd}");
        await foreach (var row in storage.Timeline.QueryAsync<TimelineRow>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        var head = await headTask;
        var anchored = await anchorTask;
        if (rows.Count == 0 && !head.HasValue)
        {
            return null;
        }

        return TimelineVerifier.Verify(caseId, rows, head.HasValue ? head.Value : null, anchored);
    }

    private async Task<TimelineEntry?> FindByKeyAsync(string pk, string keyRow, CancellationToken cancellationToken)
    {
        var key = await storage.Timeline.GetEntityIfExistsAsync<TimelineKeyRow>(pk, keyRow, cancellationToken: cancellationToken);
        if (!key.HasValue || key.Value is null)
        {
            return null;
        }

        var entry = await storage.Timeline.GetEntityAsync<TimelineRow>(pk, TimelineKeys.Entry(key.Value.Seq), cancellationToken: cancellationToken);
        return TimelineMapping.ToEntry(entry.Value);
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "Timeline append lost the race for the head (attempt {Attempt}); retrying.")]
    private static partial void LogAppendRetry(ILogger logger, int attempt);
}
