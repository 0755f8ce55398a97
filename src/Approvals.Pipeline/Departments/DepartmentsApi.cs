using System.Globalization;
using System.Security.Claims;
using Approvals.Pipeline.Api;
using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Departments.Workbench;
using Approvals.Pipeline.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Approvals.Pipeline.Departments;

/// <summary>
/// Department routes: the task inbox and the tasks as work items (officer JWT), the decision (signed callback or
/// officer JWT), the case file (officer JWT or signed link) and the officer workbench page.
/// </summary>
internal static class DepartmentsApi
{
    /// <summary>The inbox's <c>status</c> values (issue 15: anything else is refused, never read as <c>pending</c>).</summary>
    public static readonly string[] StatusValues = ["pending", "awaiting-supplement", "open", "decided", "all"];

    /// <summary>The inbox's <c>due</c> values besides a date (<c>yyyy-MM-dd</c>: due on or before it).</summary>
    public static readonly string[] DueValues = ["overdue", "today"];

    public static IServiceCollection AddDepartments(this IServiceCollection services)
    {
        services.AddSingleton<CaseFileLinks>();
        services.AddSingleton<TaskAssignments>();
        services.AddSingleton<WorkbenchPage>();
        return services;
    }

    public static IEndpointRouteBuilder MapDepartmentsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/departments/{departmentId}/tasks", Inbox)
            .WithTags("Department").WithName("DepartmentTasks").RequireAuthorization(Policies.Officer)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        // Authenticated by its Standard Webhooks signature (back offices) or by an officer's token: checked by the handler.
        routes.MapPost("/api/applications/{id}/departments/{departmentId}/decision", DecisionCallback.HandleAsync)
            .WithTags("Department").WithName("DepartmentDecision").AllowAnonymous()
            .Accepts<DecisionRequest>("application/json")
            .Produces<DecisionAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .DisableAntiforgery();
        routes.MapTaskAssignmentsApi();
        routes.MapCaseFileApi();
        routes.MapWorkbench();
        return routes;
    }

    /// <summary>
    /// The department's tasks, most urgent first: overdue ones (oldest due date first), then by due date, then by
    /// arrival. Filters: <c>status</c> (<see cref="StatusValues"/>, default <c>pending</c>), <c>assignee</c>
    /// (<c>me</c>, <c>none</c> or a subject) and <c>due</c> (<see cref="DueValues"/> or a date).
    /// </summary>
    public static async Task<Results<Ok<IReadOnlyList<InboxTask>>, ProblemHttpResult>> Inbox(
        string departmentId, string? status, string? assignee, string? due, ClaimsPrincipal user, InboxStore inbox, CaseClocks clocks,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (!user.Departments().Contains(departmentId, StringComparer.Ordinal))
        {
            return Problems.Create(StatusCodes.Status403Forbidden, "other-department", "Officers see only their own department's tasks.");
        }

        var wanted = string.IsNullOrEmpty(status) ? "pending" : status.ToLowerInvariant();
        if (!StatusValues.Contains(wanted))
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "invalid-status", $"Unknown status '{status}'.",
                $"status must be one of: {string.Join(", ", StatusValues)}.", new Dictionary<string, object?> { ["allowedValues"] = StatusValues });
        }

        DateOnly? dueBy = null;
        var (overdueOnly, dueToday) = (false, false);
        if (!string.IsNullOrEmpty(due))
        {
            switch (due.ToLowerInvariant())
            {
                case "overdue":
                    overdueOnly = true;
                    break;
                case "today":
                    dueToday = true;
                    break;
                default:
                    if (!DateOnly.TryParseExact(due, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                    {
                        return Problems.Create(StatusCodes.Status400BadRequest, "invalid-due", $"Unknown due filter '{due}'.",
                            $"due must be one of: {string.Join(", ", DueValues)}, or a date (yyyy-MM-dd).", new Dictionary<string, object?> { ["allowedValues"] = DueValues });
                    }

                    dueBy = date;
                    break;
            }
        }

        var who = assignee switch
        {
            null or "" => null,
            "me" => user.Subject(),
            _ => assignee,
        };
        var stored = wanted switch
        {
            "pending" => StepStatus.Pending,
            "awaiting-supplement" => StepStatus.AwaitingSupplement,
            _ => null,
        };
        var today = Today(clocks, time.GetUtcNow());
        var tasks = (await inbox.ListAsync(departmentId, stored, cancellationToken))
            .Select(t => t with { Overdue = IsOpen(t.Status) && t.DueDate < today(t.LicenceTypeId) })
            .Where(t => wanted switch
            {
                "open" => IsOpen(t.Status),
                "decided" => StepStatus.IsDecided(t.Status),
                _ => true,
            })
            .Where(t => who is null || (who == "none" ? t.Assignee is null : t.Assignee == who))
            .Where(t => !overdueOnly || t.Overdue)
            .Where(t => !dueToday || t.DueDate <= today(t.LicenceTypeId))
            .Where(t => dueBy is null || t.DueDate <= dueBy)
            .OrderByDescending(t => t.Overdue)
            .ThenBy(t => t.DueDate ?? DateOnly.MaxValue)
            .ThenBy(t => t.ReceivedAt)
            .ToList();
        return TypedResults.Ok<IReadOnlyList<InboxTask>>(tasks);
    }

    private static bool IsOpen(string status) => status is StepStatus.Pending or StepStatus.AwaitingSupplement;

    /// <summary>
    /// Today where a task's licence is decided (its licence type's jurisdiction, whose calendar's time zone due dates
    /// are written in), per licence type, computed once per request.
    /// </summary>
    private static Func<string, DateOnly> Today(CaseClocks clocks, DateTimeOffset now)
    {
        var days = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        return typeId =>
        {
            if (!days.TryGetValue(typeId, out var day))
            {
                var jurisdiction = clocks.Catalogue.Find(typeId)?.Jurisdiction ?? clocks.Catalogue.All[0].Jurisdiction;
                days[typeId] = day = clocks.Calendar(jurisdiction, null).LocalDate(now);
            }

            return day;
        };
    }
}
