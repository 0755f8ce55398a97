using Approvals.Licensing.Catalogue;
using Approvals.Pipeline.Hosting;
using Azure;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration.Memory;

namespace Approvals.Functions.Hosting;

/// <summary>
/// The settings the shared core reads, in the shapes a Functions app on App Service can be given:
/// <list type="bullet">
/// <item>the identity-based storage connection (<c>AzureWebJobsStorage__accountName</c>, <c>__credential</c>,
/// <c>__clientId</c>, which the Functions host needs) stands in for the single <c>AzureWebJobsStorage</c> value
/// the core reads (an account URI with the managed identity);</item>
/// <item>settings whose names App Service cannot carry — its app setting names allow letters, digits, <c>.</c> and
/// <c>_</c>, so not <c>Departments__service-centre__CallbackSecret</c> — are read from the Key Vault named by
/// <c>Approvals__KeyVaultUri</c> (secret name: the setting with <c>--</c> for <c>__</c>) with the app identity.</item>
/// </list>
/// Settings given directly (local.settings.json, app settings, Key Vault references) always win.
/// </summary>
internal static class FunctionsSettings
{
    public const string KeyVaultUri = "Approvals:KeyVaultUri";

    public static void AddFunctionsSettings(this IConfigurationManager configuration)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (StorageUri(configuration) is { } storage)
        {
            values[RequiredSettings.Storage] = storage;
        }

        if (configuration[KeyVaultUri] is { Length: > 0 } vault)
        {
            foreach (var (setting, value) in VaultSecrets(new Uri(vault), MissingVaultSettings(configuration)))
            {
                values[RequiredSettings.ConfigurationKey(setting)] = value;
            }
        }

        if (values.Count > 0)
        {
            configuration.Sources.Add(new MemoryConfigurationSource { InitialData = values });
        }
    }

    /// <summary>
    /// The core's <c>AzureWebJobsStorage</c> value for an identity-based connection: the blob endpoint (the core
    /// derives the queue and table endpoints from it); null when a value is set or no identity-based section is.
    /// </summary>
    public static string? StorageUri(IConfiguration configuration)
    {
        if (!string.IsNullOrWhiteSpace(configuration[RequiredSettings.Storage]))
        {
            return null;
        }

        var section = configuration.GetSection(RequiredSettings.Storage);
        return section["blobServiceUri"] is { Length: > 0 } blob ? blob
            : section["accountName"] is { Length: > 0 } account ? $"https://{account}.blob.core.windows.net"
            : null;
    }

    /// <summary>Department callback secrets not otherwise set: the settings whose names App Service cannot carry.</summary>
    public static IReadOnlyList<string> MissingVaultSettings(IConfiguration configuration) =>
        LicenceCatalogue.LoadEmbedded().Departments.Select(d => RequiredSettings.CallbackSecret(d.Id))
            .Where(s => string.IsNullOrWhiteSpace(configuration[RequiredSettings.ConfigurationKey(s)]))
            .ToList();

    /// <summary>Secret name in Key Vault: the setting name with <c>--</c> for <c>__</c> (Key Vault allows neither <c>_</c> nor <c>:</c>).</summary>
    public static string SecretName(string setting) => setting.Replace("__", "--", StringComparison.Ordinal);

    private static IEnumerable<(string Setting, string Value)> VaultSecrets(Uri vault, IReadOnlyList<string> settings)
    {
        // DefaultAzureCredential picks the app's user-assigned identity by AZURE_CLIENT_ID. Read once at start-up, like
        // App Service's own Key Vault references; a secret that is absent is left to start-up validation to report.
        var client = new SecretClient(vault, new DefaultAzureCredential());
        foreach (var setting in settings)
        {
            KeyVaultSecret secret;
            try
            {
                secret = client.GetSecret(SecretName(setting)).Value;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                continue;
            }

            yield return (setting, secret.Value);
        }
    }
}
