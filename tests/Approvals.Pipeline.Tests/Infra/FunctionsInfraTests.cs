using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Approvals.Functions.Hosting;
using Approvals.Pipeline.Hosting;
using Approvals.Licensing.Catalogue;

namespace Approvals.Pipeline.Tests.Infra;

/// <summary>
/// The serverless deployment (<c>main.test.bicepparam</c>: the Functions app on Flex Consumption) against the code: the
/// settings the host requires and the shapes App Service can give them in, the Durable settings the Functions host runs
/// with, the storage roles Durable Functions needs, and no account keys anywhere.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed partial class FunctionsInfraTests(InfraModel infra)
{
    private static readonly LicenceCatalogue Catalogue = LicenceCatalogue.LoadEmbedded();

    private JsonObject Site => infra.Functions.Single("Microsoft.Web/sites");

    private string IdentityId => Site["identity"]!["userAssignedIdentities"]!.AsObject().Single().Key;

    private IReadOnlyDictionary<string, string> Settings =>
        Site["properties"]!["siteConfig"]!["appSettings"]!.AsArray().Select(s => s!.AsObject())
            .ToDictionary(s => (string)s["name"]!, s => (string)s["value"]!, StringComparer.Ordinal);

    [Fact]
    public void FunctionApp_FlexConsumption_IsolatedDotnet10WithIdentityDeploymentStorage()
    {
        var plan = infra.Functions.Single("Microsoft.Web/serverfarms");
        ((string?)plan["sku"]!["name"]).Should().Be("FC1");
        ((string?)plan["sku"]!["tier"]).Should().Be("FlexConsumption");
        ((bool?)plan["properties"]!["reserved"]).Should().BeTrue("Flex Consumption runs Linux");

        ((string?)Site["kind"]).Should().Be("functionapp,linux");
        var p = Site["properties"]!;
        ((string?)p["serverFarmId"]).Should().EndWith("/serverfarms/" + (string)plan["name"]!);
        ((bool?)p["httpsOnly"]).Should().BeTrue();
        ((string?)p["keyVaultReferenceIdentity"]).Should().Be(IdentityId, "Key Vault references resolve with the app identity");

        var config = p["functionAppConfig"]!;
        ((string?)config["runtime"]!["name"]).Should().Be("dotnet-isolated");
        ((string?)config["runtime"]!["version"]).Should().Be("10.0");
        ((int?)config["scaleAndConcurrency"]!["maximumInstanceCount"]).Should().Be((int)infra.Functions.Parameter("maximumInstanceCount")!);
        ((int?)config["scaleAndConcurrency"]!["instanceMemoryMB"]).Should().BeOneOf(512, 2048, 4096);

        var deployment = config["deployment"]!["storage"]!;
        ((string?)deployment["type"]).Should().Be("blobContainer");
        ((string?)deployment["authentication"]!["type"]).Should().Be("UserAssignedIdentity", "the package is read with the identity, not a key");
        ((string?)deployment["authentication"]!["userAssignedIdentityResourceId"]).Should().Be(IdentityId);
        var container = ((string)deployment["value"]!).Split('\'')[^2];
        infra.Functions.OfType("Microsoft.Storage/storageAccounts/blobServices/containers").Select(InfraModel.Leaf)
            .Should().Contain(container, "the deployment container is declared with the account");
    }

    [Fact]
    public void FunctionApp_ProductionRequiredSettings_AllProvidedInShapesAppServiceAccepts()
    {
        var settings = Settings;
        settings.Keys.Should().OnlyContain(n => AppSettingName().IsMatch(n), "App Service app setting names are letters, digits, '.' and '_'");
        settings["AZURE_FUNCTIONS_ENVIRONMENT"].Should().Be("Production", "RequiredSettings.For(…, production: true) holds only then");

        foreach (var setting in RequiredSettings.For(Catalogue, production: true))
        {
            if (setting == RequiredSettings.Storage)
            {
                // Identity-based: the Functions host reads the section; the worker derives the account URI from it.
                settings.Should().NotContainKey(setting, "a plain AzureWebJobsStorage would be taken as a connection string");
                settings["AzureWebJobsStorage__credential"].Should().Be("managedidentity");
                settings["AzureWebJobsStorage__accountName"].Should().Be((string)infra.Functions.Single("Microsoft.Storage/storageAccounts")["name"]!);
                settings["AzureWebJobsStorage__clientId"].Should().EndWith(".clientId]").And.Be(settings["AZURE_CLIENT_ID"]);
                continue;
            }

            if (Catalogue.Departments.Any(d => RequiredSettings.CallbackSecret(d.Id) == setting))
            {
                // A department secret: read by the worker from the vault (FunctionsSettings), named like the setting —
                // for every department alike, since most ids carry dashes that app setting names cannot.
                settings.Should().NotContainKey(setting);
                settings[FunctionsSettingKey(FunctionsSettings.KeyVaultUri)].Should().Contain("Microsoft.KeyVault/vaults").And.EndWith(".vaultUri]");
                FunctionsSettings.SecretName(setting).Should().MatchRegex("^[A-Za-z0-9-]+$", "a valid Key Vault secret name");
                continue;
            }

            settings.Should().ContainKey(setting, "the Functions app must set every setting the host requires in Production");
            var value = settings[setting];
            if (value.Contains("@Microsoft.KeyVault(SecretUri=", StringComparison.Ordinal))
            {
                value.Should().Contain($"secrets/{FunctionsSettings.SecretName(setting)})", $"{setting} comes from the Key Vault secret named like the setting");
                continue;
            }

            value.Should().NotBeNullOrWhiteSpace($"{setting} is a plain value");
        }

        settings["Licensing__SigningKeyPem"].Should().Contain("@Microsoft.KeyVault(SecretUri=", "a secret is never a plain app setting");
    }

    [Fact]
    public void FunctionApp_DurableSettings_HostJsonOverriddenWithTheDeclaredTaskHub()
    {
        var settings = Settings;
        var hub = (string)infra.Functions.Parameter("hubName")!;
        var partitions = ((int)infra.Functions.Parameter("partitionCount")!).ToString(System.Globalization.CultureInfo.InvariantCulture);

        // The Functions host reads host.json, overridden by AzureFunctionsJobHost__…; the shared code reads DurableTask__….
        settings["AzureFunctionsJobHost__extensions__durableTask__hubName"].Should().Be(hub);
        settings["DurableTask__HubName"].Should().Be(hub);
        settings["AzureFunctionsJobHost__extensions__durableTask__storageProvider__partitionCount"].Should().Be(partitions);
        settings["DurableTask__PartitionCount"].Should().Be(partitions);
        infra.Functions.OfType("Microsoft.Storage/storageAccounts/queueServices/queues").Select(InfraModel.Leaf)
            .Should().BeEquivalentTo(new Approvals.Pipeline.Runtime.DurableRuntimeOptions { HubName = hub, PartitionCount = int.Parse(partitions, System.Globalization.CultureInfo.InvariantCulture) }.ControlQueueNames
                .Append(hub.ToLowerInvariant() + "-workitems"));

        // Flex Consumption takes these from functionAppConfig and refuses them as settings.
        settings.Keys.Should().NotContain(["FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "WEBSITE_CONTENTSHARE"]);
    }

    [Fact]
    public void FunctionApp_TelemetryAndClientAddresses()
    {
        var settings = Settings;
        settings["Telemetry__Exporter"].Should().Be("azuremonitor");
        settings["APPLICATIONINSIGHTS_CONNECTION_STRING"].Should().Contain("Microsoft.Insights/components", "the Functions host and the worker's exporter both send to Application Insights");
        settings["ASPNETCORE_FORWARDEDHEADERS_ENABLED"].Should().Be("true");
        settings["Approvals__PublicBaseUrl"].Should().StartWith("https://");
    }

    [Fact]
    public void Identity_StorageRolesDurableFunctionsNeeds_OnTheAccount()
    {
        // Built-in role definition ids (the same in every tenant).
        const string blobOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", blobContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
        const string queueContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88", tableContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
        var account = (string)infra.Functions.Single("Microsoft.Storage/storageAccounts")["name"]!;
        var onAccount = infra.Functions.OfType("Microsoft.Authorization/roleAssignments")
            .Where(r => ((string)r["name"]!).Contains($"/storageAccounts/{account}'", StringComparison.Ordinal))
            .Select(r => ((string)r["properties"]!["roleDefinitionId"]!).Split('/')[^1])
            .ToList();

        onAccount.Should().Contain(queueContributor).And.Contain(tableContributor);
        onAccount.Should().Contain(r => r == blobOwner || r == blobContributor, "task hub blobs, leases, host keys and the deployment package");
        infra.Functions.OfType("Microsoft.Authorization/roleAssignments").Select(r => ((string)r["properties"]!["roleDefinitionId"]!).Split('/')[^1])
            .Should().Contain("4633458b-17de-408a-b874-0445c86b69e6", "Key Vault Secrets User: references and the worker's department secrets");
    }

    [Fact]
    public void FunctionApp_NoAccountKeys_AndNoContainerHosting()
    {
        string[] keyMarkers = ["AccountKey=", "SharedAccessSignature=", "sig=", "DefaultEndpointsProtocol="];
        foreach (var (name, value) in Settings)
        {
            foreach (var marker in keyMarkers)
            {
                value.Should().NotContainEquivalentOf(marker, $"{name} must not carry a storage key");
            }
        }

        ((bool?)infra.Functions.Single("Microsoft.Storage/storageAccounts")["properties"]!["allowSharedKeyAccess"]).Should().BeFalse();
        infra.Functions.OfType("Microsoft.App/containerApps").Should().BeEmpty();
        infra.Functions.OfType("Microsoft.ContainerRegistry/registries").Should().BeEmpty("the Functions app deploys a zip package, no image");
        infra.SelfHost.OfType("Microsoft.Web/sites").Should().BeEmpty();
    }

    [Fact]
    public void TestParameters_BothHostings_DepartmentIdsEqualCatalogueDirectory()
    {
        foreach (var deployment in new[] { infra.Functions, infra.SelfHost })
        {
            deployment.Parameters["departmentIds"]?["value"]?.AsArray().Select(n => (string)n!)
                .Should().BeEquivalentTo(Catalogue.Departments.Select(d => d.Id));
        }

        ((string?)infra.Functions.Parameter("hosting")).Should().Be("functions");
        ((string?)infra.SelfHost.Parameter("hosting")).Should().Be("containerapps");
        ((string?)infra.Template["parameters"]!["hosting"]!["defaultValue"]).Should().Be("functions", "serverless is the product's hosting");
    }

    private static string FunctionsSettingKey(string configurationKey) => configurationKey.Replace(":", "__", StringComparison.Ordinal);

    [GeneratedRegex("^[A-Za-z0-9_.]+$")]
    private static partial Regex AppSettingName();
}
