using System.Globalization;
using Approvals.Pipeline.Api;
using Approvals.Pipeline.Identity;
using Approvals.Licensing.Clock;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Approvals.Pipeline.Supervision;

/// <summary>The supervisor's API (supervisor JWT): timelines with chain verification, open alerts, statistics, complaints.</summary>
internal static class SupervisionApi
{
    /// <summary>The longest statistics period: at most 13 month partitions are read per query.</summary>
    public const int MaxStatsDays = 366;

    /// <summary>The alert list shows open alerts only; closed ones stay on the timeline.</summary>
    private static readonly IReadOnlyList<string> AlertStatuses = ["open"];

    /// <summary>Complaints have no status: any <c>status</c> filter is refused.</summary>
    private static readonly IReadOnlyList<string> ComplaintStatuses = [];

    public static IEndpointRouteBuilder MapSupervisorRoutes(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/supervision").RequireAuthorization(Policies.Supervisor).WithTags("Supervision");
        group.MapGet("/applications/{id}/timeline", GetTimeline).WithName("GetTimeline");
        group.MapGet("/alerts", GetAlerts).WithName("GetAlerts");
        group.MapGet("/stats", GetStats).WithName("GetStats");
        group.MapGet("/complaints", GetComplaints).WithName("GetComplaints");
        return endpoints;
    }

    public static async Task<Results<Ok<TimelineView>, ProblemHttpResult>> GetTimeline(string id, TimelineStore timeline, CancellationToken cancellationToken)
    {
        var read = await timeline.ReadAsync(id, cancellationToken);
        if (read is null)
        {
            return Problems.NotFound("Timeline");
        }

        var entries = read.Entries.Select(e => new TimelineEntryView(e.Seq, e.At, e.Type, e.Actor, e.DepartmentId, e.Details, e.Clock, e.Hash, e.PrevHash)).ToList();
        return TypedResults.Ok(new TimelineView(read.CaseId, read.CaseNumber, read.ChainValid, read.BrokenAtSeq, read.Failure, read.AnchoredSeq, entries));
    }

    public static async Task<Results<Ok<ItemsView<AlertView>>, ProblemHttpResult>> GetAlerts(string? level, string? department, string? status, AlertStore alerts, CancellationToken cancellationToken)
    {
        if (!StatusFilters.TryParse(status, AlertStatuses, out _))
        {
            return StatusFilters.Unknown(AlertStatuses);
        }

        AlertLevel? parsed = null;
        if (!string.IsNullOrEmpty(level))
        {
            if (!AlertLevels.TryParse(level, out var l))
            {
                return Problems.BadRequest("invalid-alert-level", "Unknown alert level.", "level must be one of: warning, yellow, red.");
            }

            parsed = l;
        }

        var items = await alerts.ListOpenAsync(parsed, department, cancellationToken);
        return TypedResults.Ok(new ItemsView<AlertView>(items, null));
    }

    public static async Task<Results<Ok<StatsReport>, ProblemHttpResult>> GetStats(string? from, string? to, StatsStore stats, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var today = StatsTime.Today(now);
        if (!TryDate(to, today, out var toDate) || !TryDate(from, new DateOnly(toDate.Year, toDate.Month, 1), out var fromDate))
        {
            return Problems.BadRequest("invalid-date", "Invalid date.", "from and to are calendar days, yyyy-MM-dd (China time).");
        }

        if (fromDate > toDate || toDate.DayNumber - fromDate.DayNumber >= MaxStatsDays)
        {
            return Problems.BadRequest("invalid-range", "Invalid period.", $"from must not be after to, and the period is at most {MaxStatsDays} days.");
        }

        return TypedResults.Ok(await stats.QueryAsync(fromDate, toDate, now, cancellationToken));
    }

    public static async Task<Results<Ok<ItemsView<Complaint>>, ProblemHttpResult>> GetComplaints(
        [AsParameters] PageQuery page, string? caseId, string? status, ComplaintStore complaints, CancellationToken cancellationToken)
    {
        if (!StatusFilters.TryParse(status, ComplaintStatuses, out _))
        {
            return StatusFilters.Unknown(ComplaintStatuses);
        }

        if (page.Validate() is { } problem)
        {
            return problem;
        }

        Paging.TryReadToken(page.ContinuationToken, out var after);
        var result = await complaints.ListAsync(caseId, after, page.Size, cancellationToken);
        return TypedResults.Ok(new ItemsView<Complaint>(result.Items, result.ContinuationToken));
    }

    private static bool TryDate(string? value, DateOnly fallback, out DateOnly date)
    {
        if (string.IsNullOrEmpty(value))
        {
            date = fallback;
            return true;
        }

        return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }
}

/// <summary>A list answer; <see cref="ContinuationToken"/> is set when more pages follow.</summary>
internal sealed record ItemsView<T>(IReadOnlyList<T> Items, string? ContinuationToken);

/// <summary>A case timeline: the entries in seq order and the chain recomputed on this read.</summary>
/// <remarks><c>BrokenAtSeq</c>: The first seq where the chain does not hold, when <see cref="ChainValid"/> is false.</remarks>
internal sealed record TimelineView(string CaseId, string? CaseNumber, bool ChainValid, long? BrokenAtSeq, string? Failure, long? AnchoredSeq, IReadOnlyList<TimelineEntryView> Entries);

/// <summary>One timeline entry as served.</summary>
internal sealed record TimelineEntryView(long Seq, DateTimeOffset At, string Type, string Actor, string? Department, IReadOnlyDictionary<string, string?> Details, TimelineClock? Clock, string Hash, string PrevHash);

/// <summary>Paging parameters: <c>pageSize</c> (1–100, default 20) and <c>continuationToken</c>.</summary>
internal sealed record PageQuery(int? PageSize, string? ContinuationToken)
{
    public int Size => PageSize ?? Paging.DefaultPageSize;

    public ProblemHttpResult? Validate() =>
        Size is < 1 or > Paging.MaxPageSize
            ? Problems.BadRequest("invalid-page-size", "Invalid page size.", $"pageSize must be between 1 and {Paging.MaxPageSize}.")
            : !Paging.TryReadToken(ContinuationToken, out _)
                ? Problems.BadRequest("invalid-continuation-token", "Invalid continuation token.", "Pass back the continuationToken of the previous page unchanged.")
                : null;
}
