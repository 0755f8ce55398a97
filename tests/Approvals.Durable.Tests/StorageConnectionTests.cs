using Approvals.Durable.Storage;
using Azure.Core;
using FluentAssertions;
using Xunit;

namespace Approvals.Durable.Tests;

/// <summary>The <c>AzureWebJobsStorage</c> forms: connection string, account URI in any cloud, bare account name.</summary>
public sealed class StorageConnectionTests
{
    private sealed class NoCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => throw new NotSupportedException();

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    [Fact]
    public void An_account_uri_uses_the_token_credential_and_keeps_its_cloud()
    {
        var china = StorageConnection.Create("https://approvalsdata.blob.core.chinacloudapi.cn/", new NoCredential());

        china.UsesTokenCredential.Should().BeTrue();
        china.Tables.Uri.Should().Be(new Uri("https://approvalsdata.table.core.chinacloudapi.cn"));
        china.Queues.Uri.Should().Be(new Uri("https://approvalsdata.queue.core.chinacloudapi.cn"));
        china.Blobs.Uri.Should().Be(new Uri("https://approvalsdata.blob.core.chinacloudapi.cn"));
    }

    [Fact]
    public void A_bare_account_name_means_the_global_cloud()
    {
        var global = StorageConnection.Create("approvalsdata", new NoCredential());

        global.Queues.Uri.Should().Be(new Uri("https://approvalsdata.queue.core.windows.net"));
    }

    [Fact]
    public void A_connection_string_uses_its_key()
    {
        var local = StorageConnection.Create("UseDevelopmentStorage=true");

        local.UsesTokenCredential.Should().BeFalse();
        local.Tables.Uri.Port.Should().Be(10002);
    }

    [Theory]
    [InlineData("")]
    [InlineData("https://example.com/")]
    [InlineData("Not_An_Account")]
    public void Anything_else_is_refused(string value)
    {
        var create = () => StorageConnection.Create(value, new NoCredential());

        create.Should().Throw<ArgumentException>().WithMessage("AzureWebJobsStorage*");
    }
}
