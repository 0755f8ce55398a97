using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Approvals.Pipeline.Departments;

/// <summary>
/// Standard Webhooks signatures: <c>v1,</c> + base64 HMAC-SHA256 over <c>"{webhook-id}.{webhook-timestamp}.{body}"</c>.
/// Secrets are <c>whsec_</c> + base64 (the Standard Webhooks form) or, failing that, the UTF-8 bytes of the value.
/// </summary>
internal static class WebhookSignature
{
    /// <summary>Timestamps further than this from now (either way) are refused: a captured request cannot be replayed later.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static byte[] SecretBytes(string secret)
    {
        if (secret.StartsWith("whsec_", StringComparison.Ordinal))
        {
            try
            {
                return Convert.FromBase64String(secret["whsec_".Length..]);
            }
            catch (FormatException)
            {
                // Not base64 after all: use the text as it is.
            }
        }

        return Encoding.UTF8.GetBytes(secret);
    }

    public static string Sign(byte[] secret, string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{webhookId}.{timestamp}."));
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(secret, content));
    }

    /// <summary>True when any of the space-separated <c>v1</c> signatures in the header matches (constant-time compare).</summary>
    public static bool Verify(byte[] secret, string webhookId, long timestamp, ReadOnlySpan<byte> body, string signatureHeader)
    {
        var expected = Encoding.ASCII.GetBytes(Sign(secret, webhookId, timestamp, body));
        foreach (var candidate in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (candidate.StartsWith("v1,", StringComparison.Ordinal)
                && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(candidate), expected))
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsFresh(long timestamp, DateTimeOffset now) =>
        Math.Abs(now.ToUnixTimeSeconds() - timestamp) <= (long)Tolerance.TotalSeconds;
}
