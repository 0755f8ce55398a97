using Approvals.Functions.Hosting;
using Approvals.Pipeline.Hosting;
using Approvals.Pipeline.Storage;
using Approvals.Licensing.Catalogue;
using Microsoft.Extensions.Configuration;

namespace Approvals.Pipeline.Tests.Functions;

/// <summary>The settings shapes of a Functions app on App Service, turned into what the shared core reads.</summary>
public sealed class FunctionsSettingsTests
{
    private static IConfiguration Config(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    [Fact]
    public void StorageUri_IdentityBasedConnection_BlobEndpointWithTheManagedIdentity()
    {
        var uri = FunctionsSettings.StorageUri(Config(new()
        {
            ["AzureWebJobsStorage:accountName"] = "stapprovalsabc",
            ["AzureWebJobsStorage:credential"] = "managedidentity",
            ["AzureWebJobsStorage:clientId"] = "00000000-0000-0000-0000-000000000001",
        }));

        uri.Should().Be("https://stapprovalsabc.blob.core.windows.net");
        StorageConnection.Create(uri).UsesTokenCredential.Should().BeTrue();
    }

    [Fact]
    public void StorageUri_ServiceUriOrPlainValue_ServiceUriUsedAndValueLeftAlone()
    {
        FunctionsSettings.StorageUri(Config(new() { ["AzureWebJobsStorage:blobServiceUri"] = "https://st1.blob.core.chinacloudapi.cn" }))
            .Should().Be("https://st1.blob.core.chinacloudapi.cn", "other clouds give the endpoint, not the account name");
        FunctionsSettings.StorageUri(Config(new() { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true", ["AzureWebJobsStorage:accountName"] = "x" }))
            .Should().BeNull("a connection string set directly wins");
        FunctionsSettings.StorageUri(Config(new())).Should().BeNull();
    }

    [Fact]
    public void MissingVaultSettings_DepartmentSecretsNotGiven_ListedWithTheirSecretNames()
    {
        var departments = LicenceCatalogue.LoadEmbedded().Departments.Select(d => d.Id).ToList();
        var given = RequiredSettings.ConfigurationKey(RequiredSettings.CallbackSecret(departments[0]));

        var missing = FunctionsSettings.MissingVaultSettings(Config(new() { [given] = "whsec_x" }));

        missing.Should().BeEquivalentTo(departments.Skip(1).Select(RequiredSettings.CallbackSecret));
        FunctionsSettings.SecretName(RequiredSettings.CallbackSecret("service-centre")).Should().Be("Departments--service-centre--CallbackSecret");
    }
}
