using System.Globalization;

namespace Approvals.Licensing.Applicants;

/// <summary>
/// The 18-character citizen identity number (公民身份号码) of GB 11643-1999: a 6-digit address code, the birth date
/// (yyyyMMdd), a 3-digit sequence and an ISO 7064 MOD 11-2 check character.
/// </summary>
public static class ResidentIdNumber
{
    /// <summary>Check characters by (weighted sum mod 11).</summary>
    private const string CheckCharacters = "10X98765432";

    /// <summary>Weights 2^(17−i) mod 11 for positions i = 0…16 (GB 11643-1999, 6.2).</summary>
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    /// <summary>
    /// The province-level codes of GB/T 2260 an address code can start with, plus 81–83 (the residence permits of
    /// Hong Kong, Macao and Taiwan residents). A leading 9 marks a business credit code, never a person.
    /// </summary>
    private static readonly HashSet<int> Provinces =
    [
        11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
        50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
    ];

    /// <summary>The earliest birth year accepted: a plausibility bound against typing errors in the year.</summary>
    private const int EarliestBirthYear = 1900;

    /// <summary>The check character of the first 17 digits.</summary>
    /// <exception cref="ArgumentException">Not 17 digits.</exception>
    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != 17 || first17.ContainsAnyExceptInRange('0', '9'))
        {
            throw new ArgumentException("17 digits are required.", nameof(first17));
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * Weights[i];
        }

        return CheckCharacters[sum % 11];
    }

    /// <summary>
    /// Why <paramref name="id"/> (already upper-cased) is not a citizen identity number, or null when it is one. A
    /// birth date after <paramref name="today"/> is refused; with no <paramref name="today"/> only the calendar is checked.
    /// </summary>
    public static string? Problem(string id, DateOnly? today = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        return ShapeProblem(id, today) ?? (CheckCharacter(id.AsSpan(0, 17)) == id[17] ? null : "the check character does not match (GB 11643)");
    }

    /// <summary>
    /// True when <paramref name="id"/> has the shape of a citizen identity number whatever its check character: 17
    /// digits and a digit or X, a province code, a calendar birth date. A person typed it, possibly with a typo.
    /// </summary>
    public static bool HasPersonShape(string id) => ShapeProblem(id, null) is null;

    /// <summary>True for a well-formed number (birth date not compared with today).</summary>
    public static bool IsValid(string id) => Problem(id) is null;

    /// <summary>The embedded birth date, or null when positions 7–14 are not a calendar date.</summary>
    public static DateOnly? BirthDate(string id) =>
        id.Length >= 14 && DateOnly.TryParseExact(id.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;

    private static string? ShapeProblem(string id, DateOnly? today)
    {
        if (id.Length != 18 || id.AsSpan(0, 17).ContainsAnyExceptInRange('0', '9') || !(char.IsAsciiDigit(id[17]) || id[17] == 'X'))
        {
            return "a resident ID number is 17 digits and a check character (a digit or X)";
        }

        if (!Provinces.Contains(int.Parse(id.AsSpan(0, 2), CultureInfo.InvariantCulture)))
        {
            return $"'{id[..2]}' is not a province code";
        }

        if (BirthDate(id) is not { } birth || birth.Year < EarliestBirthYear || birth > today)
        {
            return $"'{id.Substring(6, 8)}' is not a possible birth date";
        }

        return null;
    }
}
