using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace Approvals.Functions.Supervision;

/// <summary>
/// Row layout of the timeline table. Partition = the (escaped) case id. Row keys: <c>e-{seq:D10}</c> for entries
/// (sorted by seq), <c>head</c> for the chain head, <c>k-{escaped idempotency key}</c> for appended keys.
/// The three are written in one entity-group transaction, so an entry, its key and the head never disagree.
/// </summary>
internal static class TimelineKeys
{
    public const string Head = "head";
    public const string EntryPrefix = "e-";
    public const string KeyPrefix = "k-";

    /// <summary>The first row key after every entry row ('.' follows '-').</summary>
    public const string EntryEnd = "e.";

    public static string Partition(string caseId) => Storage.TableKeys.Escape(caseId);

    public static string Entry(long seq) => EntryPrefix + seq.ToString("D10", CultureInfo.InvariantCulture);

    public static string Key(string idempotencyKey) => KeyPrefix + Storage.TableKeys.Escape(idempotencyKey);
}

/// <summary>One timeline entry exactly as hashed (strings, not typed values, so the hash survives a round-trip).</summary>
internal sealed class TimelineRow : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public long Seq { get; set; }

    public string At { get; set; } = string.Empty;

    public string Type { get; set; } = string.Empty;

    public string Actor { get; set; } = string.Empty;

    public string? Department { get; set; }

    public string Details { get; set; } = "{}";

    public string? Clock { get; set; }

    public string PrevHash { get; set; } = string.Empty;

    public string Hash { get; set; } = string.Empty;

    public string IdempotencyKey { get; set; } = string.Empty;

    public string Recompute() => TimelineHash.Compute(Seq, At, Type, Actor, Department, Details, Clock, PrevHash);
}

/// <summary>The chain head: the last seq and hash. Replaced with its ETag in the batch that appends, so appends serialise.</summary>
internal sealed class TimelineHeadRow : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = TimelineKeys.Head;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string CaseId { get; set; } = string.Empty;

    public string CaseNumber { get; set; } = string.Empty;

    public long LastSeq { get; set; }

    public string LastHash { get; set; } = string.Empty;
}

/// <summary>An appended idempotency key and the seq it produced.</summary>
internal sealed class TimelineKeyRow : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public long Seq { get; set; }
}
