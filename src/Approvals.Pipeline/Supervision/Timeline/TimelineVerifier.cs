using System.Text.Json;

namespace Approvals.Pipeline.Supervision;

/// <summary>A case's timeline as read, with the result of recomputing its chain.</summary>
/// <remarks>
/// <para><c>BrokenAtSeq</c>: The first seq at which the chain does not hold (null when valid).</para>
/// <para><c>Failure</c>: Why: <c>seq-gap</c>, <c>prev-hash-mismatch</c>, <c>hash-mismatch</c>, <c>unreadable</c>,
/// <c>head-mismatch</c>, <c>truncated</c> or <c>anchor-mismatch</c>.</para>
/// <para><c>AnchoredSeq</c>: The highest seq anchored in the immutable blob container, if any.</para>
/// </remarks>
internal sealed record VerifiedTimeline(string CaseId, string? CaseNumber, IReadOnlyList<TimelineEntry> Entries, bool ChainValid, long? BrokenAtSeq, string? Failure, long? AnchoredSeq);

/// <summary>Recomputes a chain from its stored rows: every hash, every link, the head and the anchors.</summary>
internal static class TimelineVerifier
{
    public static VerifiedTimeline Verify(string caseId, IReadOnlyList<TimelineRow> rows, TimelineHeadRow? head, IReadOnlyList<TimelineAnchor> anchors)
    {
        var entries = new List<TimelineEntry>(rows.Count);
        (long Seq, string Why)? broken = null;
        var expected = 1L;
        var prev = TimelineHash.Genesis(caseId);
        var hashes = new Dictionary<long, string>();
        foreach (var row in rows.OrderBy(r => r.RowKey, StringComparer.Ordinal))
        {
            var entry = TryMap(row);
            if (entry is not null)
            {
                entries.Add(entry);
            }

            broken ??= row.Seq != expected || row.RowKey != TimelineKeys.Entry(caseId, row.Seq) ? (expected, "seq-gap")
                : row.PrevHash != prev ? (row.Seq, "prev-hash-mismatch")
                : row.Recompute() != row.Hash ? (row.Seq, "hash-mismatch")
                : entry is null ? (row.Seq, "unreadable")
                : null;
            prev = row.Hash;
            hashes.TryAdd(row.Seq, row.Hash);
            expected++;
        }

        var last = expected - 1;
        broken ??= head is null ? (1, "head-mismatch")
            : head.LastSeq > last ? (last + 1, "truncated")
            : head.LastSeq < last ? (head.LastSeq + 1, "head-mismatch")
            : head.LastHash != prev ? (last, "head-mismatch")
            : null;

        foreach (var anchor in anchors)
        {
            broken ??= anchor.Seq > last ? (last + 1, "truncated")
                : !hashes.TryGetValue(anchor.Seq, out var h) || h != anchor.Hash ? (anchor.Seq, "anchor-mismatch")
                : null;
        }

        return new VerifiedTimeline(caseId, head?.CaseNumber, entries, broken is null, broken?.Seq, broken?.Why,
            anchors.Count == 0 ? null : anchors.Max(a => a.Seq));
    }

    private static TimelineEntry? TryMap(TimelineRow row)
    {
        try
        {
            return TimelineMapping.ToEntry(row);
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}

internal static class TimelineMapping
{
    public static TimelineEntry ToEntry(TimelineRow row) => new(
        row.Seq,
        DateTimeOffset.Parse(row.At, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal),
        row.Type,
        row.Actor,
        row.Department,
        TimelineHash.ParseDetails(row.Details),
        TimelineHash.ParseClock(row.Clock),
        row.Hash,
        row.PrevHash);
}
