using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Approvals.Pipeline.Hosting;

/// <summary>
/// Documents what the host adds to every operation: 429 on rate-limited (applicant and public) routes, 413 on routes
/// that take a body, each as a problem document.
/// </summary>
internal static class OpenApiLimits
{
    public static IServiceCollection AddOpenApiLimits(this IServiceCollection services)
    {
        services.Configure<OpenApiOptions>("v1", o => o.AddOperationTransformer((operation, context, _) =>
        {
            var tags = context.Description.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Http.Metadata.ITagsMetadata>().SelectMany(t => t.Tags);
            operation.Responses ??= [];
            if (tags.Any(t => t is RateLimitPolicies.ApplicantTag or RateLimitPolicies.PublicTag))
            {
                operation.Responses.TryAdd("429", Problem("Too many requests from this client (Retry-After says when to try again)."));
            }

            if (operation.RequestBody is not null)
            {
                operation.Responses.TryAdd("413", Problem("The request body is over its limit."));
            }

            return Task.CompletedTask;
        }));
        return services;
    }

    private static OpenApiResponse Problem(string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() },
    };
}
