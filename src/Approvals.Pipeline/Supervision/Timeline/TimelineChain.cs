using Azure;

namespace Approvals.Pipeline.Supervision;

/// <summary>
/// This process's view of one case's chain: the appends waiting for the next transaction and the head as last
/// written or read (with its ETag). The cached head is only a guess that saves a read: every transaction replaces
/// the head row under its ETag, so a stale guess (another process appended) fails the whole transaction and is
/// replaced by a fresh read — the chain stays gap-free and unique whatever the cache says.
/// </summary>
internal sealed class TimelineChain(string caseId)
{
    public string CaseId { get; } = caseId;

    /// <summary>The table partition (shard) the case's rows are in.</summary>
    public string Partition { get; } = TimelineKeys.Partition(caseId);

    /// <summary>Guards <see cref="Waiting"/> and <see cref="Committing"/>.</summary>
    public Lock Gate { get; } = new();

    public List<PendingAppend> Waiting { get; } = [];

    /// <summary>One drain loop per chain commits the waiting appends in order, a batch per transaction.</summary>
    public bool Committing { get; set; }

    // Only touched by the drain loop.
    public bool HeadKnown { get; set; }

    /// <summary>The stored head (null: the case has no timeline yet), valid when <see cref="HeadKnown"/>.</summary>
    public CachedHead? Head { get; set; }

    public void Forget()
    {
        HeadKnown = false;
        Head = null;
    }
}

/// <summary>The chain head as stored: last seq, its hash, the head row's ETag.</summary>
internal sealed record CachedHead(long LastSeq, string LastHash, ETag ETag);

/// <summary>One append waiting for its transaction; appends with the same idempotency key share one entry.</summary>
internal sealed class PendingAppend(TimelineAppend append, string at, string details, string? clock)
{
    public TimelineAppend Append { get; } = append;

    public string At { get; } = at;

    public string Details { get; } = details;

    public string? Clock { get; } = clock;

    public TaskCompletionSource<TimelineEntry> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
