using Approvals.Pipeline.Hosting;
using Approvals.Licensing.Catalogue;

namespace Approvals.Pipeline.Tests.Infra;

/// <summary>
/// The settings the host refuses to start without (<see cref="RequiredSettings"/>) against the two places that provide
/// them: <c>local.settings.sample.json</c> for development and the container app in <c>infra/</c> for Azure.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class SettingsDriftTests(InfraModel infra)
{
    private static readonly LicenceCatalogue Catalogue = LicenceCatalogue.LoadEmbedded();

    private static Dictionary<string, string?> Sample() =>
        LocalSettings.Read(Path.Combine(InfraModel.RepoRoot, "local.settings.sample.json"));

    [Fact]
    public void LocalSettingsSample_DevelopmentRequiredSettings_AllProvided()
    {
        var values = Sample();

        var missing = RequiredSettings.For(Catalogue, production: false)
            .Where(s => string.IsNullOrWhiteSpace(values.GetValueOrDefault(RequiredSettings.ConfigurationKey(s))))
            .ToList();

        missing.Should().BeEmpty("local.settings.sample.json must start the host in Development");
    }

    [Fact]
    public void ContainerApp_ProductionRequiredSettings_AllProvided()
    {
        var env = infra.Env;
        var secrets = infra.Secrets;

        foreach (var setting in RequiredSettings.For(Catalogue, production: true))
        {
            env.Should().ContainKey(setting, "the container app must set every setting the host requires in Production");
            var (value, secretRef) = env[setting];
            if (secretRef is null)
            {
                value.Should().NotBeNullOrWhiteSpace($"{setting} is a plain value");
                continue;
            }

            // A Key Vault reference resolved with the app identity; the vault secret is the setting name with "--".
            secrets.Should().ContainKey(secretRef, $"{setting} references secret {secretRef}");
            var secret = secrets[secretRef];
            ((string?)secret["identity"]).Should().NotBeNullOrEmpty($"{setting} is read from Key Vault with the app identity");
            ((string?)secret["keyVaultUrl"]).Should().Contain($"'{setting.Replace("__", "--", StringComparison.Ordinal)}'",
                $"{setting} comes from the Key Vault secret named like the setting");
        }
    }

    [Fact]
    public void ContainerApp_Environment_ProductionWithItsTelemetryAndIdentity()
    {
        var env = infra.Env;

        // RequiredSettings.For(…, production: true) holds only if the host runs as Production.
        env["ASPNETCORE_ENVIRONMENT"].Value.Should().Be("Production");
        // Behind the Container Apps ingress: per-address rate limits need the client address from X-Forwarded-For.
        env["ASPNETCORE_FORWARDEDHEADERS_ENABLED"].Value.Should().Be("true");
        env["Telemetry__Exporter"].Value.Should().Be("azuremonitor");
        env.Should().ContainKey("APPLICATIONINSIGHTS_CONNECTION_STRING", "the azuremonitor exporter needs it (ConfigurationValidator)");
        env["APPLICATIONINSIGHTS_CONNECTION_STRING"].Value.Should().Contain("Microsoft.Insights/components");
        // DefaultAzureCredential picks the user-assigned identity by its client id.
        env["AZURE_CLIENT_ID"].Value.Should().Contain("Microsoft.ManagedIdentity/userAssignedIdentities").And.EndWith(".clientId]");
        env["Authentication__Schemes__Bearer__ValidAudiences__0"].Value.Should().Be(InfraModel.Audience);
        env["Authentication__Schemes__Bearer__Authority"].Value.Should().Contain("/v2.0");
    }

    [Fact]
    public void TestParameters_DepartmentIds_EqualCatalogueDirectory()
    {
        var ids = infra.Parameters["departmentIds"]?["value"]?.AsArray().Select(n => (string)n!).ToList();

        ids.Should().NotBeNull("main.test.bicepparam sets departmentIds");
        ids.Should().BeEquivalentTo(Catalogue.Departments.Select(d => d.Id), "every department in the catalogue needs a callback secret, and no other");
        ids.Should().OnlyHaveUniqueItems();
        infra.Parameter("departmentIds")!.AsArray().Select(n => (string)n!)
            .Should().BeEquivalentTo(ids, "the template default is the same directory");
    }

    [Fact]
    public void AppSettings_NoStorageAccountKey_AnywhereTheAppReadsSettings()
    {
        string[] keyMarkers = ["AccountKey=", "SharedAccessSignature=", "sig="];
        var plain = infra.Env.Select(e => (Name: e.Key, e.Value.Value)).Concat(Sample().Select(s => (Name: s.Key, s.Value)));

        foreach (var (name, value) in plain)
        {
            foreach (var marker in keyMarkers)
            {
                (value ?? "").Should().NotContainEquivalentOf(marker, $"{name} must not carry a storage key");
            }
        }

        // Azure: the account URI (managed identity), never a connection string.
        var storage = infra.Env[RequiredSettings.Storage].Value;
        storage.Should().Contain("Microsoft.Storage/storageAccounts").And.EndWith(".primaryEndpoints.blob]").And.NotContain(";");
        // No template expression reads keys or SAS tokens, and the account refuses shared-key requests.
        infra.TemplateText.Should().NotContainAny("listKeys(", "listAccountSas(", "listServiceSas(", "listConnectionStrings(");
        ((bool?)infra.Single("Microsoft.Storage/storageAccounts")["properties"]!["allowSharedKeyAccess"]).Should().BeFalse();
    }
}
