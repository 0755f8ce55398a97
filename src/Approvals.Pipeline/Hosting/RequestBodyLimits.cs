using Microsoft.AspNetCore.Http.Metadata;

namespace Approvals.Pipeline.Hosting;

/// <summary>
/// A request body limit for one endpoint (<c>null</c>: no limit at this layer, as for material uploads, whose
/// handler raises Kestrel's per-request limit to the catalogue's per-material limit and enforces it while streaming).
/// <see cref="RequestBodyLimits"/> reads it.
/// </summary>
internal sealed class RequestBodyLimit(long? maxRequestBodySize) : IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize { get; } = maxRequestBodySize;
}

/// <summary>
/// Refuses a request whose declared <c>Content-Length</c> exceeds its endpoint's limit (<c>Limits:MaxRequestBodyBytes</c>
/// unless the endpoint says otherwise) with 413 before any of it is read; bodies without a length are cut off by
/// Kestrel's server-wide limit, set to the same value (the exception handler turns that into the same 413 problem).
/// </summary>
internal static class RequestBodyLimits
{
    public static IApplicationBuilder UseRequestBodyLimits(this IApplicationBuilder app, long defaultLimit) =>
        app.Use(async (context, next) =>
        {
            var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is { } metadata
                ? metadata.MaxRequestBodySize
                : defaultLimit;
            if (limit is { } max && context.Request.ContentLength > max)
            {
                await ProblemResponses.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "request-too-large",
                    "The request body is too large.", $"At most {max} bytes are accepted here.");
                return;
            }

            await next(context);
        });

    /// <summary>Lifts the host-wide body limit for an endpoint that enforces its own (material uploads).</summary>
    public static TBuilder WithOwnBodyLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestBodyLimit(null));
}
