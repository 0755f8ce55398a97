using Microsoft.AspNetCore.Http.HttpResults;

namespace Approvals.Pipeline.Api;

/// <summary>
/// RFC 9457 problem documents with a stable <c>type</c> (<c>/problems/{code}</c>) and the same <c>code</c> as an
/// extension, so clients branch on the code and never on the message.
/// </summary>
internal static class Problems
{
    public static ProblemHttpResult Create(int status, string code, string title, string? detail = null, IDictionary<string, object?>? extensions = null)
    {
        var ext = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>()) { ["code"] = code };
        return TypedResults.Problem(detail: detail, statusCode: status, title: title, type: "/problems/" + code, extensions: ext);
    }

    public static ProblemHttpResult NotFound(string what) =>
        Create(StatusCodes.Status404NotFound, "not-found", $"{what} not found.");

    public static ProblemHttpResult Conflict(string code, string title, string? detail = null) =>
        Create(StatusCodes.Status409Conflict, code, title, detail);

    public static ProblemHttpResult BadRequest(string code, string title, string? detail = null) =>
        Create(StatusCodes.Status400BadRequest, code, title, detail);

    public static ProblemHttpResult Unauthorized(string code, string title) =>
        Create(StatusCodes.Status401Unauthorized, code, title);
}
