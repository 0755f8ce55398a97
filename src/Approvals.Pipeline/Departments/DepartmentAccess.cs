using System.Security.Claims;
using Approvals.Pipeline.Api;
using Approvals.Pipeline.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Approvals.Pipeline.Departments;

/// <summary>Who reads a case file: an officer by token, or a back office by a signed link.</summary>
/// <param name="DepartmentId">The department the access is for (the route's).</param>
/// <param name="Actor">As recorded on the timeline: <c>officer:{department}:{subject}</c> or <c>backoffice:{department}</c>.</param>
/// <param name="Subject">The officer's token subject; null for a signed link.</param>
/// <param name="LinkQuery">For a signed link, its query string (so the file's material links carry it too).</param>
internal sealed record DepartmentCaller(string DepartmentId, string Actor, string? Subject, string? LinkQuery)
{
    public const string OfficerChannel = "officer";
    public const string LinkChannel = "signed-link";

    public string Channel => Subject is null ? LinkChannel : OfficerChannel;

    public static string OfficerActor(string departmentId, string subject) => $"officer:{departmentId}:{subject}";

    public static string BackOfficeActor(string departmentId) => $"backoffice:{departmentId}";
}

/// <summary>
/// Authorisation of the department routes, least privilege first: an officer acts only for the departments of their
/// token's <c>department</c> claims, a signed link only for the one case and department it names. Whether the
/// department has a step on the case is checked by the caller after this (a department without one gets 404, as
/// for a missing case, so case ids cannot be probed).
/// </summary>
internal static class DepartmentAccess
{
    /// <summary>An officer of <paramref name="departmentId"/> by token; otherwise the problem to answer (401, 403).</summary>
    public static ProblemHttpResult? Officer(ClaimsPrincipal user, string departmentId, out DepartmentCaller? caller)
    {
        caller = null;
        if (user.Identity?.IsAuthenticated != true || user.Subject() is not { Length: > 0 } subject)
        {
            return Problems.Unauthorized("unauthorized", "A valid officer token is required.");
        }

        if (!user.HasRole(Policies.Officer))
        {
            return Problems.Create(StatusCodes.Status403Forbidden, "officers-only", "Only department officers may do this.");
        }

        if (!user.Departments().Contains(departmentId, StringComparer.Ordinal))
        {
            return Problems.Create(StatusCodes.Status403Forbidden, "other-department", "Officers act only for their own department.");
        }

        caller = new DepartmentCaller(departmentId, DepartmentCaller.OfficerActor(departmentId, subject), subject, null);
        return null;
    }

    /// <summary>
    /// A case-file reader: a signed link when the request carries one (<c>sig</c>), else an officer token. A link is
    /// never combined with a token: it is checked on its own, so a bad link is refused even beside a good token.
    /// </summary>
    public static ProblemHttpResult? Reader(HttpRequest request, string caseId, string departmentId, CaseFileLinks links, out DepartmentCaller? caller)
    {
        var sig = request.Query["sig"].ToString();
        if (sig.Length == 0 && !request.Query.ContainsKey("expires"))
        {
            return Officer(request.HttpContext.User, departmentId, out caller);
        }

        caller = null;
        var expires = request.Query["expires"].ToString();
        return links.Check(caseId, departmentId, expires, sig) switch
        {
            null => Ok(out caller, new DepartmentCaller(departmentId, DepartmentCaller.BackOfficeActor(departmentId), null, $"expires={Uri.EscapeDataString(expires)}&sig={Uri.EscapeDataString(sig)}")),
            "link-expired" => Problems.Unauthorized("link-expired", "This case-file link has expired."),
            _ => Problems.Unauthorized("link-invalid", "This case-file link is not valid for this case and department."),
        };
    }

    private static ProblemHttpResult? Ok(out DepartmentCaller? caller, DepartmentCaller value)
    {
        caller = value;
        return null;
    }
}
