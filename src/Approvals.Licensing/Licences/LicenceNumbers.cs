using System.Globalization;
using Approvals.Licensing.Cases;

namespace Approvals.Licensing.Licences;

/// <summary>
/// Licence numbers (许可证编号): <c>TT</c> + <c>YYYYMMDD</c> + 8-digit sequence + ISO 7064 MOD 37-2
/// check character, e.g. <c>FB2026112200000123K</c>. No separators and a leading letter, so a licence
/// number can never be mistaken for a case number (which starts with six digits and has dashes).
/// </summary>
public static class LicenceNumbers
{
    /// <summary>Creates a licence number.</summary>
    /// <exception cref="ArgumentException">The type code is not 2–4 uppercase letters.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The sequence is not 1–99,999,999.</exception>
    public static string Create(string typeCode, DateOnly date, int sequence)
    {
        ArgumentNullException.ThrowIfNull(typeCode);
        if (typeCode.Length is < 2 or > 4 || !typeCode.All(char.IsAsciiLetterUpper))
        {
            throw new ArgumentException($"Licence type code must be 2–4 uppercase letters, not '{typeCode}'.", nameof(typeCode));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequence, 99_999_999);
        var payload = string.Create(CultureInfo.InvariantCulture, $"{typeCode}{date:yyyyMMdd}{sequence:D8}");
        return payload + CheckCharacters.Mod37_2(payload);
    }

    /// <summary>Whether <paramref name="licenceNumber"/> is well formed and its check character matches.</summary>
    public static bool IsValid(string? licenceNumber)
    {
        if (licenceNumber is null || licenceNumber.Length is < 19 or > 21)
        {
            return false;
        }

        var codeLength = licenceNumber.Length - 17;
        var code = licenceNumber.AsSpan(0, codeLength);
        var digits = licenceNumber.AsSpan(codeLength, 16);
        foreach (var c in code)
        {
            if (!char.IsAsciiLetterUpper(c))
            {
                return false;
            }
        }

        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        if (!DateOnly.TryParseExact(digits[..8], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return false;
        }

        var payload = licenceNumber[..^1];
        return CheckCharacters.Mod37_2(payload) == licenceNumber[^1];
    }
}
