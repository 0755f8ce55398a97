using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Approvals.Pipeline.Supervision;

/// <summary>
/// The supervision dashboard: one self-contained HTML page (inline script and style, no build step, no CDN), embedded
/// in the assembly. It is served with a Content-Security-Policy that allows exactly its own inline script and style
/// (by SHA-256) and calls to this origin only, so an injected string in case data cannot run script.
/// </summary>
internal sealed partial class DashboardPage
{
    public const string ResourceName = "Approvals.Pipeline.Supervision.dashboard.html";

    public DashboardPage()
    {
        using var stream = typeof(DashboardPage).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        Html = reader.ReadToEnd();
        var scripts = ScriptBlocks().Matches(Html).Select(m => Sha(m.Groups[1].Value));
        var styles = StyleBlocks().Matches(Html).Select(m => Sha(m.Groups[1].Value));
        ContentSecurityPolicy = "default-src 'none'; " +
            $"script-src {string.Join(' ', scripts)}; style-src {string.Join(' ', styles)}; " +
            "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    public string Html { get; }

    public string ContentSecurityPolicy { get; }

    private static string Sha(string content) => "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(content))) + "'";

    [GeneratedRegex("<script>(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ScriptBlocks();

    [GeneratedRegex("<style>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleBlocks();
}

/// <summary>Maps <c>GET /supervision</c>.</summary>
internal static class DashboardRoutes
{
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/supervision", GetDashboard).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    public static IResult GetDashboard(DashboardPage page, HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = page.ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";
        return TypedResults.Content(page.Html, "text/html; charset=utf-8");
    }
}
