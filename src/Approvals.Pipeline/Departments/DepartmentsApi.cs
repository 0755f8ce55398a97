using System.Security.Claims;
using Approvals.Pipeline.Api;
using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Approvals.Pipeline.Departments;

/// <summary>Department routes: the task inbox (officer JWT) and the signed decision callback.</summary>
internal static class DepartmentsApi
{
    public static IEndpointRouteBuilder MapDepartmentsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/departments/{departmentId}/tasks", Inbox)
            .WithTags("Department").WithName("DepartmentTasks").RequireAuthorization(Policies.Officer);
        // Authenticated by its Standard Webhooks signature, not by a JWT: department back-office systems call it.
        routes.MapPost("/api/applications/{id}/departments/{departmentId}/decision", DecisionCallback.HandleAsync)
            .WithTags("Department").WithName("DepartmentDecision").AllowAnonymous()
            .Accepts<DecisionRequest>("application/json")
            .Produces<DecisionAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .DisableAntiforgery();
        return routes;
    }

    public static async Task<Results<Ok<IReadOnlyList<InboxTask>>, ProblemHttpResult>> Inbox(
        string departmentId, string? status, ClaimsPrincipal user, InboxStore inbox, CancellationToken cancellationToken)
    {
        if (!user.Departments().Contains(departmentId, StringComparer.Ordinal))
        {
            return Problems.Create(StatusCodes.Status403Forbidden, "other-department", "Officers see only their own department's tasks.");
        }

        var filter = status?.ToLowerInvariant() switch
        {
            null or "" or "pending" => StepStatus.Pending,
            "all" => null,
            "awaiting-supplement" => StepStatus.AwaitingSupplement,
            "decided" => "Decided",
            _ => StepStatus.Pending,
        };
        var tasks = await inbox.ListAsync(departmentId, filter == "Decided" ? null : filter, cancellationToken);
        if (filter == "Decided")
        {
            tasks = tasks.Where(t => StepStatus.IsDecided(t.Status)).ToList();
        }

        return TypedResults.Ok(tasks);
    }
}
