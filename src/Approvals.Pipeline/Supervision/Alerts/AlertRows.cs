using Approvals.Licensing.Clock;
using Azure;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Supervision;

/// <summary>
/// One alert per case step: partition <c>open</c> while open (so the open list is one bounded partition, however many
/// cases were ever alerted), <c>closed-{yyyyMM}</c> once closed; row key <c>{case}|{department or *}</c>.
/// The level only rises: 预警 → 黄牌 → 红牌.
/// </summary>
internal sealed class AlertRow : ITableEntity
{
    public const string OpenPartition = "open";
    public const string CaseLevel = "*";

    public string PartitionKey { get; set; } = OpenPartition;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string CaseId { get; set; } = string.Empty;

    public string CaseNumber { get; set; } = string.Empty;

    public string LicenceTypeId { get; set; } = string.Empty;

    public string? DepartmentId { get; set; }

    /// <summary><see cref="AlertLevel"/> name: Warning, Yellow, Red.</summary>
    public string Level { get; set; } = string.Empty;

    /// <summary>When the first alert of this step was raised.</summary>
    public DateTimeOffset FirstRaisedAt { get; set; }

    /// <summary>When the current level was raised.</summary>
    public DateTimeOffset RaisedAt { get; set; }

    public string? DueDate { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public static string CasePrefix(string caseId) => Storage.TableKeys.Escape(caseId).Replace("|", "%7C", StringComparison.Ordinal) + "|";

    public static string Key(string caseId, string? departmentId) => CasePrefix(caseId) + (departmentId ?? CaseLevel);

    public AlertLevel ParsedLevel => Enum.TryParse<AlertLevel>(Level, out var l) ? l : AlertLevel.None;
}

/// <summary>An open alert as the supervision API shows it.</summary>
/// <remarks>
/// <para><c>Level</c>: <c>warning</c>, <c>yellow</c> or <c>red</c>.</para>
/// <para><c>Label</c>: 预警, 黄牌 or 红牌.</para>
/// <para><c>Department</c>: The department step, or null for the case as a whole.</para>
/// </remarks>
internal sealed record AlertView(string CaseId, string CaseNumber, string LicenceTypeId, string? Department, string Level, string Label, DateTimeOffset RaisedAt, DateTimeOffset FirstRaisedAt, DateOnly? DueDate);

/// <summary>The API names of alert levels.</summary>
internal static class AlertLevels
{
    public static string Name(AlertLevel level) => level switch
    {
        AlertLevel.Warning => "warning",
        AlertLevel.Yellow => "yellow",
        AlertLevel.Red => "red",
        _ => "none",
    };

    public static string Label(AlertLevel level) => level switch
    {
        AlertLevel.Warning => "预警",
        AlertLevel.Yellow => "黄牌",
        AlertLevel.Red => "红牌",
        _ => string.Empty,
    };

    public static bool TryParse(string? value, out AlertLevel level)
    {
        level = value?.ToUpperInvariant() switch
        {
            "WARNING" => AlertLevel.Warning,
            "YELLOW" => AlertLevel.Yellow,
            "RED" => AlertLevel.Red,
            _ => AlertLevel.None,
        };
        return level != AlertLevel.None;
    }
}
