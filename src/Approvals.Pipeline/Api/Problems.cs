using Microsoft.AspNetCore.Http.HttpResults;

namespace Approvals.Pipeline.Api;

/// <summary>
/// RFC 9457 problem documents with a stable <c>type</c> (<c>/problems/{code}</c>) and the same <c>code</c> as an
/// extension, so clients branch on the code and never on the message.
/// </summary>
internal static class Problems
{
    /// <summary>The <c>type</c> URI of a problem code: every problem document of the API (endpoints, the host's own errors, stored callback answers) names its type with this.</summary>
    public static string TypeOf(string code) => "/problems/" + code;

    public static ProblemHttpResult Create(int status, string code, string title, string? detail = null, IDictionary<string, object?>? extensions = null)
    {
        var ext = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>()) { ["code"] = code };
        return TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypeOf(code), extensions: ext);
    }

    /// <summary>400 with every field error at once (<c>errors</c>: field → messages).</summary>
    public static ValidationProblem Validation(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, type: TypeOf("validation"), extensions: new Dictionary<string, object?> { ["code"] = "validation" });

    public static ProblemHttpResult NotFound(string what) =>
        Create(StatusCodes.Status404NotFound, "not-found", $"{what} not found.");

    public static ProblemHttpResult Conflict(string code, string title, string? detail = null) =>
        Create(StatusCodes.Status409Conflict, code, title, detail);

    public static ProblemHttpResult BadRequest(string code, string title, string? detail = null) =>
        Create(StatusCodes.Status400BadRequest, code, title, detail);

    public static ProblemHttpResult Unauthorized(string code, string title) =>
        Create(StatusCodes.Status401Unauthorized, code, title);
}
