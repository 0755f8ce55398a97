using System.Security.Cryptography;
using Approvals.Pipeline.Storage;
using Approvals.Licensing.Catalogue;
using Microsoft.Extensions.Options;

namespace Approvals.Pipeline.Hosting;

/// <summary>
/// Checks the whole configuration once, at start-up, before any hosted service runs (<c>ValidateOnStart</c>), and
/// reports every problem at once: a missing setting by its app-setting name, a department without a callback secret
/// by the department's id and name, malformed values by what is wrong with them. Values are never echoed (they may
/// be secrets). Settings for a department the catalogue does not know are logged as a warning.
/// </summary>
internal sealed class ConfigurationValidator(
    IConfiguration configuration, LicenceCatalogue catalogue, IHostEnvironment environment, ILogger<ConfigurationValidator> logger)
    : IValidateOptions<HostingOptions>
{
    private const int MinSecretBytes = 24;

    public ValidateOptionsResult Validate(string? name, HostingOptions options)
    {
        var errors = new List<string>();
        var production = environment.IsProduction();
        foreach (var setting in RequiredSettings.For(catalogue, production))
        {
            if (string.IsNullOrWhiteSpace(configuration[RequiredSettings.ConfigurationKey(setting)]))
            {
                errors.Add(Missing(setting));
            }
        }

        CheckStorage(errors);
        CheckDepartments(errors, production);
        if (production)
        {
            CheckProduction(errors);
        }

        CheckHosting(errors, options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private string Missing(string setting)
    {
        if (setting == RequiredSettings.Storage)
        {
            return "AzureWebJobsStorage is not set: give a storage connection string (UseDevelopmentStorage=true for Azurite) or the account's blob endpoint URI (managed identity).";
        }

        var department = catalogue.Departments.FirstOrDefault(d => RequiredSettings.CallbackSecret(d.Id) == setting);
        return department is not null
            ? $"Department '{department.Id}' ({department.Name}) has no callback secret: set {setting} to whsec_ followed by the base64 of at least {MinSecretBytes} random bytes."
            : $"{setting} is not set.";
    }

    private void CheckStorage(List<string> errors)
    {
        var value = configuration[RequiredSettings.Storage];
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        try
        {
            _ = StorageConnection.Create(value);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            errors.Add("AzureWebJobsStorage is neither a valid storage connection string nor a storage account URI.");
        }
    }

    private void CheckDepartments(List<string> errors, bool production)
    {
        foreach (var department in catalogue.Departments)
        {
            var secret = configuration[$"Departments:{department.Id}:CallbackSecret"];
            if (!string.IsNullOrWhiteSpace(secret) && !IsStrongSecret(secret))
            {
                errors.Add($"Department '{department.Id}' ({department.Name}): {RequiredSettings.CallbackSecret(department.Id)} must be whsec_ followed by the base64 of at least {MinSecretBytes} bytes.");
            }

            var url = configuration[$"Departments:{department.Id}:WebhookUrl"];
            if (!string.IsNullOrWhiteSpace(url) && !IsHttpUrl(url, requireHttps: production))
            {
                errors.Add($"Department '{department.Id}' ({department.Name}): Departments__{department.Id}__WebhookUrl must be an absolute {(production ? "https" : "http(s)")} URL.");
            }
        }

        if (configuration["Webhooks:FirstRetryInterval"] is { Length: > 0 } retry
            && (!TimeSpan.TryParse(retry, System.Globalization.CultureInfo.InvariantCulture, out var first) || first < TimeSpan.FromMilliseconds(100) || first > TimeSpan.FromMinutes(1)))
        {
            errors.Add("Webhooks__FirstRetryInterval must be a time span between 00:00:00.1 and 00:01:00.");
        }

        // Case-file links are short-lived (Departments/CaseFileLinks): between a minute and a week.
        if (configuration["CaseFiles:LinkLifetime"] is { Length: > 0 } lifetime
            && (!TimeSpan.TryParse(lifetime, System.Globalization.CultureInfo.InvariantCulture, out var life) || life < TimeSpan.FromMinutes(1) || life > TimeSpan.FromDays(7)))
        {
            errors.Add("CaseFiles__LinkLifetime must be a time span between 00:01:00 and 7.00:00:00.");
        }

        var known = catalogue.Departments.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var section in configuration.GetSection("Departments").GetChildren())
        {
            if (!known.Contains(section.Key))
            {
                // A warning, not an error: a department retired from the catalogue may keep its settings for a while.
                logger.LogWarning("Departments__{Department}__* configures a department that is not in the catalogue (known: {Known}).",
                    section.Key, string.Join(", ", known.Order(StringComparer.Ordinal)));
            }
        }
    }

    private void CheckProduction(List<string> errors)
    {
        var pem = configuration[RequiredSettings.ConfigurationKey(RequiredSettings.SigningKey)];
        if (!string.IsNullOrWhiteSpace(pem) && !IsP256PrivateKey(pem))
        {
            errors.Add($"{RequiredSettings.SigningKey} must be an ECDSA P-256 private key in PEM (PKCS#8 or SEC1).");
        }

        foreach (var setting in new[] { RequiredSettings.PublicBaseUrl, RequiredSettings.Authority })
        {
            var value = configuration[RequiredSettings.ConfigurationKey(setting)];
            if (!string.IsNullOrWhiteSpace(value) && !IsHttpUrl(value, requireHttps: true))
            {
                errors.Add($"{setting} must be an absolute https URL.");
            }
        }
    }

    private void CheckHosting(List<string> errors, HostingOptions options)
    {
        if (options.Projections.LingerMilliseconds is < 0 or > ProjectionsOptions.MaxLingerMilliseconds)
        {
            errors.Add($"Projections__LingerMilliseconds must be between 0 and {ProjectionsOptions.MaxLingerMilliseconds}.");
        }

        var exporters = options.Telemetry.Exporters(environment.IsDevelopment());
        foreach (var unknown in exporters.Where(e => !TelemetryOptions.KnownExporters.Contains(e)))
        {
            errors.Add($"Telemetry__Exporter '{unknown}' is unknown: use {string.Join(", ", TelemetryOptions.KnownExporters)} (comma-separated).");
        }

        if (exporters.Contains("azuremonitor") && string.IsNullOrWhiteSpace(configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
        {
            errors.Add("Telemetry__Exporter includes azuremonitor but APPLICATIONINSIGHTS_CONNECTION_STRING is not set.");
        }

        if (options.Telemetry.QueueDepthIntervalSeconds < 0)
        {
            errors.Add("Telemetry__QueueDepthIntervalSeconds must be 0 (off) or more.");
        }

        if (options.RateLimiting.ApplicantPermitsPerMinute < 1 || options.RateLimiting.PublicPermitsPerMinute < 1)
        {
            errors.Add("RateLimiting__ApplicantPermitsPerMinute and RateLimiting__PublicPermitsPerMinute must be at least 1.");
        }

        if (options.Limits.MaxRequestBodyBytes < 1024)
        {
            errors.Add("Limits__MaxRequestBodyBytes must be at least 1024.");
        }
    }

    private static bool IsStrongSecret(string secret)
    {
        if (!secret.StartsWith("whsec_", StringComparison.Ordinal))
        {
            return false;
        }

        var buffer = new byte[secret.Length];
        return Convert.TryFromBase64String(secret["whsec_".Length..], buffer, out var written) && written >= MinSecretBytes;
    }

    private static bool IsHttpUrl(string value, bool requireHttps) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (!requireHttps && uri.Scheme == Uri.UriSchemeHttp));

    private static bool IsP256PrivateKey(string pem)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(pem);
            return key.KeySize == 256;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return false;
        }
    }
}
