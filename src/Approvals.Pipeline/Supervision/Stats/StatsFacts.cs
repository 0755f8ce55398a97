using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Supervision;

/// <summary>Statistics periods are China calendar days and months (UTC+8 all year: China has no daylight saving time).</summary>
internal static class StatsTime
{
    public static readonly TimeSpan China = TimeSpan.FromHours(8);

    public static string Month(DateTimeOffset at) => at.ToOffset(China).ToString("yyyyMM", CultureInfo.InvariantCulture);

    public static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), China);

    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(China).DateTime);
}

/// <summary>
/// A statistics fact. Partition = the China month of the event (<c>yyyyMM</c>), so a query for a period reads one
/// bounded partition per month it spans — never a scan of every fact ever stored. Row key
/// <c>{r|d}|{case}|{department or *}</c>: a re-run of the recording activity rewrites the same row (idempotent).
/// </summary>
internal sealed class FactRow : ITableEntity
{
    public const string Received = "r";
    public const string Decided = "d";

    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Kind { get; set; } = string.Empty;

    public string CaseId { get; set; } = string.Empty;

    public string CaseNumber { get; set; } = string.Empty;

    public string LicenceTypeId { get; set; } = string.Empty;

    /// <summary>The department step, or null for the case as a whole.</summary>
    public string? DepartmentId { get; set; }

    public DateTimeOffset At { get; set; }

    public string? Outcome { get; set; }

    public int WorkingDaysUsed { get; set; }

    public bool OnTime { get; set; }

    public static string Key(string kind, string caseId, string? departmentId) =>
        kind + "|" + Storage.TableKeys.Escape(caseId).Replace("|", "%7C", StringComparison.Ordinal) + "|" + (departmentId ?? "*");
}

/// <summary>The figures of one department or licence type over a period.</summary>
/// <remarks>
/// <para><c>Received</c>: Cases received (submitted) in the period.</para>
/// <para><c>Decided</c>: Decisions made in the period.</para>
/// <para><c>OnTime</c>: Of those, decided within the time limit.</para>
/// <para><c>OnTimeRate</c>: OnTime / Decided (null when nothing was decided).</para>
/// <para><c>AverageWorkingDays</c>: Mean working days used by the decisions in the period (null when none).</para>
/// <para><c>Overdue</c>: Open now and past due (an open 黄牌 or 红牌 at query time), whatever the period.</para>
/// <para><c>Outcomes</c>: Decisions by outcome.</para>
/// </remarks>
internal sealed record StatsFigures(string Id, string? Name, int Received, int Decided, int OnTime, double? OnTimeRate, double? AverageWorkingDays, int Overdue, IReadOnlyDictionary<string, int> Outcomes);

/// <summary>The statistics answer: per department step, per licence type (whole cases) and in total.</summary>
internal sealed record StatsReport(DateOnly From, DateOnly To, DateTimeOffset GeneratedAt, IReadOnlyList<StatsFigures> Departments, IReadOnlyList<StatsFigures> LicenceTypes, StatsFigures Total);
