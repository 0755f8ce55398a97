using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Approvals.Pipeline.Departments.Workbench;

/// <summary>
/// The officer workbench (<c>/workbench</c>): one self-contained HTML page over the department API, embedded in the
/// assembly like the supervision dashboard. It holds no data: the officer pastes a token, which stays in the tab's
/// session storage and goes to the API as a bearer token. Served with a Content-Security-Policy that allows exactly
/// its own inline script and style (by SHA-256), calls to this origin only, and <c>blob:</c> frames and images: a
/// material is fetched with the token and previewed from memory, so no link to it ever carries a credential.
/// </summary>
internal sealed partial class WorkbenchPage
{
    public const string ResourceName = "Approvals.Pipeline.Departments.workbench.html";

    public WorkbenchPage()
    {
        using var stream = typeof(WorkbenchPage).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        Html = reader.ReadToEnd();
        var scripts = ScriptBlocks().Matches(Html).Select(m => Sha(m.Groups[1].Value));
        var styles = StyleBlocks().Matches(Html).Select(m => Sha(m.Groups[1].Value));
        ContentSecurityPolicy = "default-src 'none'; " +
            $"script-src {string.Join(' ', scripts)}; style-src {string.Join(' ', styles)}; " +
            "connect-src 'self'; img-src 'self' data: blob:; frame-src blob:; object-src blob:; " +
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    public string Html { get; }

    public string ContentSecurityPolicy { get; }

    private static string Sha(string content) => "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(content))) + "'";

    [GeneratedRegex("<script>(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ScriptBlocks();

    [GeneratedRegex("<style>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleBlocks();
}

/// <summary>Maps <c>GET /workbench</c> (anonymous: the page holds no data; it calls the API with the pasted token).</summary>
internal static class WorkbenchRoutes
{
    public static IEndpointRouteBuilder MapWorkbench(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/workbench", GetWorkbench).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    public static IResult GetWorkbench(WorkbenchPage page, HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = page.ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";
        return TypedResults.Content(page.Html, "text/html; charset=utf-8");
    }
}
