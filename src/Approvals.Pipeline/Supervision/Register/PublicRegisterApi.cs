using Approvals.Pipeline.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Approvals.Pipeline.Supervision;

/// <summary>The public register (外网公示): anonymous, read-only, paged, personal data masked.</summary>
internal static class PublicRegisterApi
{
    public static IEndpointRouteBuilder MapPublicRegisterRoutes(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/public/register", GetRegister)
            .AllowAnonymous()
            .WithTags("Public")
            .WithName("GetPublicRegister");
        return endpoints;
    }

    public static async Task<Results<Ok<ItemsView<RegisterView>>, ProblemHttpResult>> GetRegister([AsParameters] PageQuery page, string? status, PublicRegister register, CancellationToken cancellationToken)
    {
        if (!StatusFilters.TryParse(status, PublicRegister.Decisions, out var decision))
        {
            return StatusFilters.Unknown(PublicRegister.Decisions);
        }

        if (page.Validate() is { } problem)
        {
            return problem;
        }

        Paging.TryReadToken(page.ContinuationToken, out var after);
        var result = await register.ListAsync(after, page.Size, decision, cancellationToken);
        return TypedResults.Ok(new ItemsView<RegisterView>(result.Items, result.ContinuationToken));
    }
}
