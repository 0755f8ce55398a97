using System.Security.Cryptography;

namespace Approvals.Licensing.Licences;

/// <summary>The outcome of verifying an e-licence.</summary>
/// <param name="Valid">Whether the signature is valid for a known key.</param>
/// <param name="Document">The signed document when valid.</param>
/// <param name="Error">Why verification failed.</param>
public sealed record LicenceVerification(bool Valid, LicenceDocument? Document, string? Error);

/// <summary>Verifies compact JWS e-licences against known public keys, chosen by <c>kid</c>. Thread-safe.</summary>
public sealed class LicenceVerifier : IDisposable
{
    private readonly Dictionary<string, ECDsa> _keys = new(StringComparer.Ordinal);

    /// <summary>Creates a verifier from public keys (SubjectPublicKeyInfo PEM) by key id.</summary>
    public LicenceVerifier(IReadOnlyDictionary<string, string> publicKeyPemsByKeyId)
    {
        ArgumentNullException.ThrowIfNull(publicKeyPemsByKeyId);
        foreach (var (kid, pem) in publicKeyPemsByKeyId)
        {
            var key = ECDsa.Create();
            key.ImportFromPem(pem);
            if (key.KeySize != 256)
            {
                key.Dispose();
                throw new ArgumentException($"Key '{kid}' is not an ECDSA P-256 key.", nameof(publicKeyPemsByKeyId));
            }

            _keys[kid] = key;
        }
    }

    /// <summary>Creates a verifier for one key.</summary>
    public LicenceVerifier(string keyId, string publicKeyPem)
        : this(new Dictionary<string, string>(StringComparer.Ordinal) { [keyId] = publicKeyPem })
    {
    }

    /// <summary>Verifies <paramref name="jws"/>; never throws for bad input.</summary>
    public LicenceVerification Verify(string jws) => CompactJws.Verify(jws, _keys);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }
    }
}
