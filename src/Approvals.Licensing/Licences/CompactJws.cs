using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Approvals.Licensing.Licences;

/// <summary>
/// Compact JWS with ES256 (RFC 7515; RFC 7518 §3.4: ECDSA P-256, SHA-256, the signature as the
/// 64-byte R‖S). Verification is strict on purpose: the algorithm is fixed (no "none", no algorithm
/// taken on trust from the header), unknown critical headers are refused, and every part must be
/// canonical base64url so that no two different strings verify as the same licence.
/// </summary>
internal static class CompactJws
{
    private const string Algorithm = "ES256";
    private const int SignatureBytes = 64;

    public static string Sign(byte[] payload, string keyId, ECDsa key)
    {
        var header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["alg"] = Algorithm,
            ["typ"] = "JOSE",
            ["cty"] = LicenceJson.Format,
            ["kid"] = keyId,
        });
        var signingInput = Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString(payload);
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    public static LicenceVerification Verify(string jws, IReadOnlyDictionary<string, ECDsa> keys)
    {
        if (string.IsNullOrEmpty(jws))
        {
            return Fail("empty token.");
        }

        var parts = jws.Split('.');
        if (parts.Length != 3)
        {
            return Fail("not a compact JWS (three dot-separated parts expected).");
        }

        if (!TryDecode(parts[0], out var headerBytes) || !TryDecode(parts[1], out var payload) || !TryDecode(parts[2], out var signature))
        {
            return Fail("a part is not canonical base64url.");
        }

        string? kid;
        try
        {
            using var header = JsonDocument.Parse(headerBytes);
            var root = header.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Fail("header is not a JSON object.");
            }

            if (!root.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String || alg.GetString() != Algorithm)
            {
                return Fail($"algorithm must be {Algorithm}.");
            }

            if (root.TryGetProperty("crit", out _))
            {
                return Fail("critical header extensions are not supported.");
            }

            kid = root.TryGetProperty("kid", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
        }
        catch (JsonException)
        {
            return Fail("header is not JSON.");
        }

        if (kid is null || !keys.TryGetValue(kid, out var key))
        {
            return Fail($"unknown key id '{kid}'.");
        }

        if (signature.Length != SignatureBytes)
        {
            return Fail("signature has the wrong length for ES256.");
        }

        var signingInput = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        bool valid;
        lock (key)
        {
            valid = key.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        if (!valid)
        {
            return Fail("signature does not match: the licence was altered or signed with another key.");
        }

        var doc = LicenceJson.TryDeserialize(payload, out var error);
        return doc is null ? Fail(error!) : new LicenceVerification(true, doc, null);
    }

    private static bool TryDecode(string part, out byte[] bytes)
    {
        bytes = [];
        if (part.Length == 0 || !Base64Url.IsValid(part))
        {
            return false;
        }

        try
        {
            bytes = Base64Url.DecodeFromChars(part);
        }
        catch (FormatException)
        {
            return false;
        }

        // Unused trailing bits make several encodings decode to the same bytes; accept only the canonical one.
        return string.Equals(Base64Url.EncodeToString(bytes), part, StringComparison.Ordinal);
    }

    private static LicenceVerification Fail(string error) => new(false, null, error);
}
