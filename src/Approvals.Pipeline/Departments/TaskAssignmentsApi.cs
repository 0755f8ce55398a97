using Approvals.Pipeline.Cases;
using System.Security.Claims;
using Approvals.Pipeline.Api;
using Approvals.Pipeline.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Approvals.Pipeline.Departments;

/// <summary>Body of <c>POST …/assign</c>: the token subject of the officer of the department to give the task to.</summary>
internal sealed record AssignRequest(string? Assignee);

/// <summary>A task's assignment after a claim, release or assignment.</summary>
internal sealed record TaskAssignmentView(string CaseId, string DepartmentId, string TaskId, string Status, string? Assignee, DateTimeOffset? AssignedAt, string? AssignedBy);

/// <summary>Claim, release and assign routes (officer JWT of the department); the rules are <see cref="TaskAssignments"/>'s.</summary>
internal static class TaskAssignmentsApi
{
    public static IEndpointRouteBuilder MapTaskAssignmentsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/applications/{id}/departments/{departmentId}")
            .WithTags("Department").RequireAuthorization(Policies.Officer);
        group.MapPost("/claim", Claim).WithName("ClaimTask").Describe();
        group.MapPost("/release", Release).WithName("ReleaseTask").Describe();
        group.MapPost("/assign", Assign).WithName("AssignTask").Accepts<AssignRequest>("application/json").Describe()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return routes;
    }

    private static RouteHandlerBuilder Describe(this RouteHandlerBuilder route) => route
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .DisableAntiforgery();

    public static Task<Results<Ok<TaskAssignmentView>, ProblemHttpResult>> Claim(
        string id, string departmentId, ClaimsPrincipal user, TaskAssignments assignments, CancellationToken cancellationToken) =>
        ChangeAsync(id, departmentId, user, AssignmentAction.Claim, null, assignments, cancellationToken);

    public static Task<Results<Ok<TaskAssignmentView>, ProblemHttpResult>> Release(
        string id, string departmentId, ClaimsPrincipal user, TaskAssignments assignments, CancellationToken cancellationToken) =>
        ChangeAsync(id, departmentId, user, AssignmentAction.Release, null, assignments, cancellationToken);

    public static async Task<Results<Ok<TaskAssignmentView>, ProblemHttpResult>> Assign(
        string id, string departmentId, AssignRequest? body, ClaimsPrincipal user, TaskAssignments assignments, CancellationToken cancellationToken)
    {
        var assignee = body?.Assignee?.Trim();
        if (string.IsNullOrEmpty(assignee) || assignee.Length > TaskAssignments.MaxSubjectLength || assignee.Any(char.IsControl))
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "invalid-assignee",
                $"assignee must be the token subject of an officer of the department (1 to {TaskAssignments.MaxSubjectLength} characters, no control characters).");
        }

        return await ChangeAsync(id, departmentId, user, AssignmentAction.Assign, assignee, assignments, cancellationToken);
    }

    private static async Task<Results<Ok<TaskAssignmentView>, ProblemHttpResult>> ChangeAsync(
        string id, string departmentId, ClaimsPrincipal user, AssignmentAction action, string? target, TaskAssignments assignments, CancellationToken cancellationToken)
    {
        if (DepartmentAccess.Officer(user, departmentId, out var caller) is { } refused)
        {
            return refused;
        }

        return await assignments.ChangeAsync(id, departmentId, caller!.Subject!, user.Leads(departmentId), action, target, cancellationToken) switch
        {
            AssignmentOutcome.Done d => TypedResults.Ok(new TaskAssignmentView(id, departmentId, d.Step.TaskId, d.Step.Status, d.Step.Assignee, d.Step.AssignedAt, d.Step.AssignedBy)),
            AssignmentOutcome.Closed c => Problems.Conflict("task-closed", $"The task is no longer open (status {c.Status})."),
            AssignmentOutcome.HeldByOther h => Problems.Create(StatusCodes.Status409Conflict, "task-held-by-other", "Another officer holds this task.",
                extensions: new Dictionary<string, object?> { ["assignee"] = h.Assignee }),
            _ => Problems.NotFound("Application"),
        };
    }
}
