using System.Security.Cryptography;

namespace Approvals.Licensing.Licences;

/// <summary>Compact JWS with ES256 (RFC 7515, RFC 7518 §3.4).</summary>
internal static class CompactJws
{
    public static string Sign(byte[] payload, string keyId, ECDsa key) => throw new NotImplementedException();

    public static LicenceVerification Verify(string jws, IReadOnlyDictionary<string, ECDsa> keys) => throw new NotImplementedException();
}
