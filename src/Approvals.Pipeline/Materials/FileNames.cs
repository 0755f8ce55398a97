using System.Text;

namespace Approvals.Pipeline.Materials;

/// <summary>
/// Sanitises client file names: only the last path segment survives (no <c>../</c>, no drive letters, no
/// directories), control and reserved characters are dropped, and the length is capped. The name is only ever a
/// label: blob names are built from ids, never from it.
/// </summary>
internal static class FileNames
{
    public const int MaxLength = 120;

    public static string Sanitise(string? raw, string fallback)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }

        var name = raw.Trim().Trim('"');
        var cut = name.LastIndexOfAny(['/', '\\', ':']);
        if (cut >= 0)
        {
            name = name[(cut + 1)..];
        }

        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (char.IsControl(c) || c is '<' or '>' or '"' or '|' or '?' or '*' or '%')
            {
                continue;
            }

            sb.Append(c);
        }

        name = sb.ToString().Trim().Trim('.').Trim();
        if (name.Length == 0 || name is "." or "..")
        {
            return fallback;
        }

        if (name.Length > MaxLength)
        {
            var ext = Path.GetExtension(name);
            ext = ext.Length is > 0 and <= 10 ? ext : "";
            name = name[..(MaxLength - ext.Length)] + ext;
        }

        return name;
    }
}
