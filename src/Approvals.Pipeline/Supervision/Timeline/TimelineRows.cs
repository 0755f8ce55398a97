using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Supervision;

/// <summary>
/// Row layout of the timeline table. Partition = one of <see cref="Shards"/> shards (xxHash32 of the case id), so the
/// appends of different cases in one shard can share an entity-group transaction; row keys start with the escaped
/// case id and <c>|</c>: <c>{case}|e-{seq:D10}</c> for entries (sorted by seq), <c>{case}|head</c> for the chain head,
/// <c>{case}|k-{escaped idempotency key}</c> for appended keys. The three are written in one entity-group
/// transaction, so an entry, its key and the head never disagree.
/// </summary>
internal static class TimelineKeys
{
    /// <summary>Fixed for the table's life: a case's rows are found by it.</summary>
    public const int Shards = 8;

    public static string Partition(string caseId) =>
        "s" + (System.IO.Hashing.XxHash32.HashToUInt32(System.Text.Encoding.UTF8.GetBytes(caseId)) % Shards).ToString("D2", CultureInfo.InvariantCulture);

    public static string Head(string caseId) => Case(caseId) + "head";

    public static string Entry(string caseId, long seq) => Case(caseId) + "e-" + seq.ToString("D10", CultureInfo.InvariantCulture);

    public static string Key(string caseId, string idempotencyKey) => Case(caseId) + "k-" + Storage.TableKeys.Escape(idempotencyKey);

    /// <summary>The first row key of the case's entries.</summary>
    public static string EntriesStart(string caseId) => Case(caseId) + "e-";

    /// <summary>The first row key after every entry row of the case ('.' follows '-').</summary>
    public static string EntriesEnd(string caseId) => Case(caseId) + "e.";

    // Escaping turns '|' into %7C, so the separator is unambiguous.
    private static string Case(string caseId) => Storage.TableKeys.Escape(caseId) + "|";
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

    public string RowKey { get; set; } = string.Empty;

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
