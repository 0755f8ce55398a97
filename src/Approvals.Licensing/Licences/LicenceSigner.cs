using System.Security.Cryptography;

namespace Approvals.Licensing.Licences;

/// <summary>
/// Signs licence documents as compact JWS (ES256: ECDSA P-256 with SHA-256) with a <c>kid</c> header.
/// Thread-safe; register one per key as a singleton.
/// </summary>
public sealed class LicenceSigner : IDisposable
{
    private readonly ECDsa _key;

    /// <summary>Creates a signer; the signer owns <paramref name="privateKey"/> and disposes it.</summary>
    /// <exception cref="ArgumentException">The key is not a P-256 key.</exception>
    public LicenceSigner(ECDsa privateKey, string keyId)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        if (privateKey.KeySize != 256)
        {
            throw new ArgumentException("ES256 needs an ECDSA P-256 key.", nameof(privateKey));
        }

        _key = privateKey;
        KeyId = keyId;
        PublicKeyPem = privateKey.ExportSubjectPublicKeyInfoPem();
    }

    /// <summary>The key id written into the JWS header.</summary>
    public string KeyId { get; }

    /// <summary>The public key (SubjectPublicKeyInfo PEM) verifiers need.</summary>
    public string PublicKeyPem { get; }

    /// <summary>A signer from a PEM private key (PKCS#8 or SEC1 "EC PRIVATE KEY").</summary>
    public static LicenceSigner FromPem(string pem, string keyId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pem);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            return new LicenceSigner(key, keyId);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A signer with a fresh P-256 key that lives only in memory: the library never writes it anywhere,
    /// so licences signed with it stop verifying when the process ends. For local development only.
    /// </summary>
    public static LicenceSigner CreateDevelopment() =>
        new(ECDsa.Create(ECCurve.NamedCurves.nistP256), "dev-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Signs the document; returns the compact JWS.</summary>
    public string Sign(LicenceDocument doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var payload = LicenceJson.Serialize(doc);
        // The signer is meant to be a singleton; ECDsa instances are not documented as thread-safe.
        lock (_key)
        {
            return CompactJws.Sign(payload, KeyId, _key);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();
}
