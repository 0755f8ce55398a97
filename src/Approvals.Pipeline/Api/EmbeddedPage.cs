using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Approvals.Pipeline.Api;

/// <summary>
/// A self-contained HTML page (inline script and style, no build step, no CDN) embedded in the assembly — the
/// supervision dashboard, the officer workbench — with the script and style they share inlined where <see cref="KitMarker"/> and <see cref="KitStyleMarker"/> stand. It holds no data: it calls the API with a token the person pastes.
/// Served with a Content-Security-Policy that allows exactly its own inline script and style (by SHA-256) and calls
/// to this origin only, so an injected string in case data cannot run script; the extra sources a page names add
/// what one page needs beyond that (the workbench's <c>blob:</c> previews).
/// </summary>
internal abstract partial class EmbeddedPage
{
    protected EmbeddedPage(string resourceName, string extraSources)
    {
        // The shared script and style go in as blocks of their own, before the hashes are taken: the policy covers them too.
        Html = Read(resourceName)
            .Replace(KitMarker, "<script>\n" + Read(KitResource) + "</script>", StringComparison.Ordinal)
            .Replace(KitStyleMarker, "<style>\n" + Read(KitStyleResource) + "</style>", StringComparison.Ordinal);
        var scripts = ScriptBlocks().Matches(Html).Select(m => Sha(m.Groups[1].Value));
        var styles = StyleBlocks().Matches(Html).Select(m => Sha(m.Groups[1].Value));
        ContentSecurityPolicy = "default-src 'none'; " +
            $"script-src {string.Join(' ', scripts)}; style-src {string.Join(' ', styles)}; " +
            $"connect-src 'self'; {extraSources}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    /// <summary>Where a page takes the shared script (<c>Api/page-kit.js</c>: token, API calls, problem messages, table cells).</summary>
    public const string KitMarker = "<!-- page-kit -->";

    /// <summary>Where a page takes the shared style (<c>Api/page-kit.css</c>), in its head before its own.</summary>
    public const string KitStyleMarker = "<!-- page-kit-style -->";

    private const string KitResource = "Approvals.Pipeline.Api.page-kit.js";

    private const string KitStyleResource = "Approvals.Pipeline.Api.page-kit.css";

    public string Html { get; }

    public string ContentSecurityPolicy { get; }

    /// <summary>The page with its policy and no caching, no sniffing, no referrer.</summary>
    public IResult Serve(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";
        return TypedResults.Content(Html, "text/html; charset=utf-8");
    }

    private static string Read(string resourceName)
    {
        using var stream = typeof(EmbeddedPage).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Embedded resource {resourceName} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static string Sha(string content) => "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(content))) + "'";

    [GeneratedRegex("<script>(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ScriptBlocks();

    [GeneratedRegex("<style>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleBlocks();
}
