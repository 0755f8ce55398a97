using SkiaSharp;

namespace Approvals.Licensing.Licences;

/// <summary>
/// Finds a typeface that can draw Chinese. Preferred: Noto Sans CJK SC (Debian fonts-noto-cjk,
/// installed by scripts/test-prereqs.sh). The native Skia build without dependencies may have no
/// fontconfig, so after asking the font manager we look for the font files ourselves.
/// </summary>
internal static class CjkFont
{
    private const string PreferredFamily = "Noto Sans CJK SC";
    private const string Probe = "电子证照许可证中华人民共和国";

    private static readonly string[] FontDirectories =
    [
        "/usr/share/fonts",
        "/usr/local/share/fonts",
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".fonts"),
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "fonts"),
        "/System/Library/Fonts",
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.Windows), "Fonts"),
    ];

    private static readonly Lazy<SKTypeface?> Cached = new(Find);

    /// <summary>The CJK typeface; throws a clear error when none is installed.</summary>
    public static SKTypeface Typeface => Cached.Value ?? throw new InvalidOperationException(
        $"No CJK font found for the e-licence PDF: install '{PreferredFamily}' (Debian/Ubuntu: apt-get install fonts-noto-cjk, or run scripts/test-prereqs.sh).");

    private static SKTypeface? Find()
    {
        var manager = SKFontManager.Default;
        var candidate = manager.MatchFamily(PreferredFamily);
        if (CanDraw(candidate))
        {
            return candidate;
        }

        candidate = manager.MatchCharacter('中');
        if (CanDraw(candidate))
        {
            return candidate;
        }

        return FindInFiles();
    }

    private static SKTypeface? FindInFiles()
    {
        var files = FontDirectories
            .Where(Directory.Exists)
            .SelectMany(d => SafeEnumerate(d))
            .Where(f => Path.GetFileName(f).Contains("CJK", StringComparison.OrdinalIgnoreCase))
            // Sans before serif, regular before other weights: what a certificate body wants.
            .OrderBy(f => Path.GetFileName(f).Contains("Sans", StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(f => Path.GetFileName(f).Contains("Regular", StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(f => f, StringComparer.Ordinal)
            .ToList();
        SKTypeface? fallback = null;
        foreach (var file in files)
        {
            // A .ttc holds several faces (JP, KR, SC, TC, HK); take the simplified-Chinese one if present.
            for (var index = 0; index < 10; index++)
            {
                var face = SKTypeface.FromFile(file, index);
                if (face is null)
                {
                    break;
                }

                if (!CanDraw(face))
                {
                    face.Dispose();
                    continue;
                }

                if (string.Equals(face.FamilyName, PreferredFamily, StringComparison.Ordinal))
                {
                    fallback?.Dispose();
                    return face;
                }

                if (fallback is null)
                {
                    fallback = face;
                }
                else
                {
                    face.Dispose();
                }
            }
        }

        return fallback;
    }

    private static List<string> SafeEnumerate(string directory)
    {
        try
        {
            return Directory.EnumerateFiles(directory, "*.*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".ttc", StringComparison.OrdinalIgnoreCase)
                    || f.EndsWith(".otf", StringComparison.OrdinalIgnoreCase)
                    || f.EndsWith(".ttf", StringComparison.OrdinalIgnoreCase))
                .ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static bool CanDraw(SKTypeface? face) =>
        face is not null && Probe.All(c => face.ContainsGlyph(c));
}
