using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Approvals.Pipeline.Departments;

/// <summary>
/// Signed case-file links for department back offices (内网办理 without an officer token): a link names one case and
/// one department and expires, and carries <c>expires</c> (Unix seconds) and <c>sig</c> (base64url HMAC-SHA256) as
/// query parameters. The key is derived from the department's callback secret (<c>Departments:{id}:CallbackSecret</c>,
/// the secret the back office already shares with us for callbacks) with a fixed label, so a link signature can never
/// be mistaken for a webhook signature made with the same secret, and a rotated secret revokes every link at once.
/// The links carry no storage credential: the API checks them, records the access on the timeline and streams the
/// blobs itself, so no account key or SAS ever leaves the platform.
/// </summary>
internal sealed class CaseFileLinks(DepartmentDirectory directory, Api.PublicUrls urls, IConfiguration configuration, TimeProvider time)
{
    /// <summary>Setting of the link lifetime (a time span); <see cref="DefaultLifetime"/> when unset.</summary>
    public const string LifetimeSetting = "CaseFiles:LinkLifetime";

    /// <summary>A working day and a night: a back office that fetches on receipt of the task has ample time.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(24);

    /// <summary>Bounds checked at start-up: a link lives at least a minute and at most a week.</summary>
    public static readonly TimeSpan MinLifetime = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(7);

    // Clocks of the hosts that issue and check links may differ by this much.
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    private static readonly byte[] KeyLabel = "approvals/case-file-link/v1"u8.ToArray();

    public TimeSpan Lifetime =>
        TimeSpan.TryParse(configuration[LifetimeSetting], CultureInfo.InvariantCulture, out var t) ? t : DefaultLifetime;

    /// <summary>The absolute link to the department's case file and when it expires, or null when the department has no secret to sign with.</summary>
    public (string Url, DateTimeOffset ExpiresAt)? Create(string caseId, string departmentId)
    {
        var secret = directory.CallbackSecret(departmentId);
        if (secret is null)
        {
            return null;
        }

        var expires = time.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds();
        return ($"{urls.BaseUrl}{CaseFileApi.FilePath(caseId, departmentId)}?{Query(secret, caseId, departmentId, expires)}", DateTimeOffset.FromUnixTimeSeconds(expires));
    }

    /// <summary>The query string (<c>expires=…&amp;sig=…</c>) that a link to this case and department carries.</summary>
    public static string Query(byte[] secret, string caseId, string departmentId, long expires) =>
        string.Create(CultureInfo.InvariantCulture, $"expires={expires}&sig={Sign(secret, caseId, departmentId, expires)}");

    public static string Sign(byte[] secret, string caseId, string departmentId, long expires)
    {
        var key = HMACSHA256.HashData(secret, KeyLabel);
        var message = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{caseId}\n{departmentId}\n{expires}"));
        return Base64Url(HMACSHA256.HashData(key, message));
    }

    /// <summary>Checks a link's parameters: null when valid, else the problem code (<c>link-invalid</c>, <c>link-expired</c>).</summary>
    public string? Check(string caseId, string departmentId, string? expires, string? sig)
    {
        var secret = directory.CallbackSecret(departmentId);
        if (secret is null || string.IsNullOrEmpty(sig) || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var at))
        {
            return "link-invalid";
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, caseId, departmentId, at));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(sig)))
        {
            return "link-invalid";
        }

        // Checked after the signature, so an expired answer says nothing about links nobody signed. A link that
        // outlives what this platform issues now (the lifetime was shortened, or the holder of the secret minted it)
        // is refused as well: shortening the setting shortens every link already out.
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        return now > at ? "link-expired" : at - now > (long)(Lifetime + Skew).TotalSeconds ? "link-invalid" : null;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
