using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Approvals.Pipeline.Hosting;

/// <summary>
/// Every error the host itself produces is an RFC 9457 problem document shaped like the endpoints' own
/// (<c>type</c> <c>/problems/{code}</c> and a <c>code</c> extension): rate limiting (429), oversized bodies (413),
/// malformed requests Kestrel refuses (400), empty-bodied status codes (401, 403, 404, 405, 415) and unhandled
/// exceptions (500, without internals).
/// </summary>
internal static class ProblemResponses
{
    public static IServiceCollection AddApprovalsProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            var status = c.ProblemDetails.Status ?? c.HttpContext.Response.StatusCode;
            if (!c.ProblemDetails.Extensions.ContainsKey("code"))
            {
                var code = CodeOf(status);
                c.ProblemDetails.Type = Api.Problems.TypeOf(code);
                c.ProblemDetails.Extensions["code"] = code;
            }
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        return services;
    }

    public static string CodeOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "bad-request",
        StatusCodes.Status401Unauthorized => "unauthorized",
        StatusCodes.Status403Forbidden => "forbidden",
        StatusCodes.Status404NotFound => "not-found",
        StatusCodes.Status405MethodNotAllowed => "method-not-allowed",
        StatusCodes.Status413PayloadTooLarge => "request-too-large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported-media-type",
        StatusCodes.Status429TooManyRequests => "rate-limited",
        _ => status >= 500 ? "server-error" : "error",
    };

    /// <summary>Writes a problem document with the given status and code.</summary>
    public static async Task WriteAsync(HttpContext context, int status, string code, string title, string? detail = null)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = Api.Problems.TypeOf(code) };
        problem.Extensions["code"] = code;
        var writer = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await writer.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
        {
            await context.Response.WriteAsJsonAsync(problem, context.RequestAborted);
        }
    }

    /// <summary>
    /// Kestrel's and the framework's refusals of a request (body over its limit, malformed body or headers) arrive as
    /// <see cref="BadHttpRequestException"/>: answered with their own status instead of 500.
    /// </summary>
    private sealed class BadRequestExceptionHandler : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is not BadHttpRequestException bad || httpContext.Response.HasStarted)
            {
                return false;
            }

            var title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : "The request is malformed.";
            await WriteAsync(httpContext, bad.StatusCode, CodeOf(bad.StatusCode), title);
            return true;
        }
    }
}
