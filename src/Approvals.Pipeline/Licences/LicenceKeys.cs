using Approvals.Pipeline.Storage;
using Approvals.Licensing.Licences;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Licences;

/// <summary>
/// The e-licence signing key (<c>Licensing:SigningKeyPem</c>, key id <c>Licensing:SigningKeyId</c>; a development key
/// is generated in memory when none is configured) and the public keys licences are verified with. Every signing
/// key's public half is recorded in the keys table, so licences signed before a rotation (or by a previous
/// development process) still verify.
/// </summary>
internal sealed class LicenceKeys(IConfiguration configuration, PipelineStorage storage, ILogger<LicenceKeys> logger) : IDisposable
{
    private const string Partition = "licence-signing";
    private readonly Lazy<LicenceSigner> _signer = new(() => CreateSigner(configuration, logger));
    private volatile bool _published;

    public LicenceSigner Signer => _signer.Value;

    /// <summary>Records the signer's public key (once per process, idempotent).</summary>
    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        if (_published)
        {
            return;
        }

        await storage.EnsureCreatedAsync(cancellationToken);
        await storage.Keys.UpsertEntityAsync(new TableEntity(Partition, TableKeys.Escape(Signer.KeyId)) { ["Pem"] = Signer.PublicKeyPem }, TableUpdateMode.Replace, cancellationToken);
        _published = true;
    }

    public async Task<LicenceVerifier> VerifierAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var e in storage.Keys.QueryAsync<TableEntity>($"PartitionKey eq '{Partition}'", cancellationToken: cancellationToken))
        {
            keys[Uri.UnescapeDataString(e.RowKey)] = e.GetString("Pem");
        }

        if (_signer.IsValueCreated)
        {
            keys[Signer.KeyId] = Signer.PublicKeyPem;
        }

        return new LicenceVerifier(keys);
    }

    public void Dispose()
    {
        if (_signer.IsValueCreated)
        {
            _signer.Value.Dispose();
        }
    }

    private static LicenceSigner CreateSigner(IConfiguration configuration, ILogger logger)
    {
        var pem = configuration["Licensing:SigningKeyPem"];
        if (string.IsNullOrWhiteSpace(pem))
        {
            logger.LogWarning("Licensing:SigningKeyPem is not set: licences are signed with an in-memory development key.");
            return LicenceSigner.CreateDevelopment();
        }

        return LicenceSigner.FromPem(pem, configuration["Licensing:SigningKeyId"] is { Length: > 0 } kid ? kid : "licence-1");
    }
}
