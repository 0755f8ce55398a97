using Approvals.Licensing.Catalogue;

namespace Approvals.Pipeline.Hosting;

/// <summary>
/// The settings the host refuses to start without, named as app settings and environment variables are
/// (<c>__</c> between sections), so that <c>local.settings.sample.json</c> and the Bicep app settings can be checked
/// against this one list (the drift test in the test suite does).
/// </summary>
public static class RequiredSettings
{
    /// <summary>The storage account: a connection string or an account URI (managed identity).</summary>
    public const string Storage = "AzureWebJobsStorage";

    /// <summary>The engine's task hub name.</summary>
    public const string HubName = "DurableTask__HubName";

    /// <summary>The e-licence signing key (PKCS#8 PEM, ECDSA P-256); only a development key is generated without it.</summary>
    public const string SigningKey = "Licensing__SigningKeyPem";

    /// <summary>The public base URL printed in licence QR codes and given to departments.</summary>
    public const string PublicBaseUrl = "Approvals__PublicBaseUrl";

    /// <summary>The token issuer (Entra ID tenant) applicants, officers and supervisors sign in with.</summary>
    public const string Authority = "Authentication__Schemes__Bearer__Authority";

    /// <summary>The API's audience (with Entra ID v2.0 tokens: the API app registration's client id).</summary>
    public const string Audience = "Authentication__Schemes__Bearer__ValidAudiences__0";

    /// <summary>A department's callback secret setting.</summary>
    public static string CallbackSecret(string departmentId) => $"Departments__{departmentId}__CallbackSecret";

    /// <summary>
    /// Every setting the host requires at start-up: storage, hub and one callback secret per department of
    /// <paramref name="catalogue"/>; in production also the signing key, the public URL and the token issuer and audience
    /// (in development a signing key is generated and tokens come from <c>dotnet user-jwts</c>).
    /// </summary>
    /// <param name="catalogue">The licence catalogue whose department directory needs secrets.</param>
    /// <param name="production">True for the <c>Production</c> environment.</param>
    public static IReadOnlyList<string> For(LicenceCatalogue catalogue, bool production)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        var settings = new List<string> { Storage, HubName };
        settings.AddRange(catalogue.Departments.Select(d => CallbackSecret(d.Id)));
        if (production)
        {
            settings.AddRange([SigningKey, PublicBaseUrl, Authority, Audience]);
        }

        return settings;
    }

    /// <summary>The configuration key (<c>:</c> separators) of a setting name.</summary>
    public static string ConfigurationKey(string setting) => setting.Replace("__", ":", StringComparison.Ordinal);
}
