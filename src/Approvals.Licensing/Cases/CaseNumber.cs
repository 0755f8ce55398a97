using System.Globalization;

namespace Approvals.Licensing.Cases;

/// <summary>
/// A human-readable case number (办件编号): <c>RRRRRR-YYYYMMDD-TT-NNNNNN-C</c> — the 6-digit
/// administrative division code (行政区划代码), the acceptance date, the licence type code (2–4
/// letters), a 6-digit daily sequence and an ISO 7064 MOD 37-2 check character (0–9, A–Z or *),
/// e.g. <c>310000-20261122-FB-000123-7</c>. Parsing rejects any number whose check character does
/// not match, so a mistyped number never finds somebody else's case.
/// </summary>
public readonly record struct CaseNumber
{
    private CaseNumber(string region, DateOnly date, string typeCode, int sequence)
    {
        Region = region;
        Date = date;
        TypeCode = typeCode;
        Sequence = sequence;
    }

    /// <summary>The 6-digit administrative division code, e.g. 310000.</summary>
    public string Region { get; }

    /// <summary>The date in the number (the acceptance or submission date).</summary>
    public DateOnly Date { get; }

    /// <summary>The licence type code, 2–4 uppercase letters.</summary>
    public string TypeCode { get; }

    /// <summary>The sequence number within region, date and type, 1–999999.</summary>
    public int Sequence { get; }

    /// <summary>The check character.</summary>
    public char CheckCharacter => CheckCharacters.Mod37_2(Payload);

    private string Payload => string.Create(CultureInfo.InvariantCulture, $"{Region}{Date:yyyyMMdd}{TypeCode}{Sequence:D6}");

    /// <summary>Creates a case number.</summary>
    /// <exception cref="ArgumentException">A part is malformed.</exception>
    public static CaseNumber Create(string regionCode, DateOnly date, string typeCode, int sequence)
    {
        ArgumentNullException.ThrowIfNull(regionCode);
        ArgumentNullException.ThrowIfNull(typeCode);
        if (regionCode.Length != 6 || !regionCode.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"Region code must be 6 digits, not '{regionCode}'.", nameof(regionCode));
        }

        if (typeCode.Length is < 2 or > 4 || !typeCode.All(char.IsAsciiLetterUpper))
        {
            throw new ArgumentException($"Licence type code must be 2–4 uppercase letters, not '{typeCode}'.", nameof(typeCode));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequence, 999_999);
        return new CaseNumber(regionCode, date, typeCode, sequence);
    }

    /// <summary>Parses a case number, checking its format and check character.</summary>
    public static bool TryParse(string? s, out CaseNumber number)
    {
        number = default;
        if (s is null)
        {
            return false;
        }

        var parts = s.Split('-');
        if (parts.Length != 5
            || parts[0].Length != 6 || !parts[0].All(char.IsAsciiDigit)
            || parts[1].Length != 8 || !parts[1].All(char.IsAsciiDigit)
            || parts[2].Length is < 2 or > 4 || !parts[2].All(char.IsAsciiLetterUpper)
            || parts[3].Length != 6 || !parts[3].All(char.IsAsciiDigit)
            || parts[4].Length != 1)
        {
            return false;
        }

        if (!DateOnly.TryParseExact(parts[1], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return false;
        }

        var sequence = int.Parse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture);
        if (sequence < 1)
        {
            return false;
        }

        var candidate = new CaseNumber(parts[0], date, parts[2], sequence);
        if (candidate.CheckCharacter != parts[4][0])
        {
            return false;
        }

        number = candidate;
        return true;
    }

    /// <summary>Parses a case number.</summary>
    /// <exception cref="FormatException">Malformed or the check character does not match.</exception>
    public static CaseNumber Parse(string s) =>
        TryParse(s, out var n) ? n : throw new FormatException($"'{s}' is not a valid case number (RRRRRR-YYYYMMDD-TT-NNNNNN-C with a matching check character).");

    /// <inheritdoc />
    public override string ToString() =>
        Region is null ? "" : string.Create(CultureInfo.InvariantCulture, $"{Region}-{Date:yyyyMMdd}-{TypeCode}-{Sequence:D6}-{CheckCharacter}");
}
