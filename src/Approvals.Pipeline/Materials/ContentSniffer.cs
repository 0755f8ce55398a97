namespace Approvals.Pipeline.Materials;

/// <summary>
/// Checks a declared content type against the file's leading bytes ("magic numbers"), so a renamed PNG cannot pass
/// as a PDF. Types without a known signature are refused: an unverifiable file is not accepted as a material.
/// </summary>
internal static class ContentSniffer
{
    /// <summary>Bytes needed to decide for every known type.</summary>
    public const int PrefixLength = 8;

    private static readonly byte[] Pdf = "%PDF-"u8.ToArray();
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF];

    public static bool IsKnown(string contentType) => Signature(contentType) is not null;

    /// <summary>True when <paramref name="prefix"/> (the first bytes of the body) carries the signature of <paramref name="contentType"/>.</summary>
    public static bool Matches(string contentType, ReadOnlySpan<byte> prefix) =>
        Signature(contentType) is { } signature && prefix.StartsWith(signature);

    /// <summary>The content type the bytes look like, for the error message.</summary>
    public static string? Detect(ReadOnlySpan<byte> prefix) =>
        prefix.StartsWith(Pdf) ? "application/pdf"
        : prefix.StartsWith(Png) ? "image/png"
        : prefix.StartsWith(Jpeg) ? "image/jpeg"
        : null;

    private static byte[]? Signature(string contentType) => contentType.ToLowerInvariant() switch
    {
        "application/pdf" => Pdf,
        "image/png" => Png,
        "image/jpeg" or "image/jpg" => Jpeg,
        _ => null,
    };
}
