namespace Approvals.Licensing.Applicants;

/// <summary>
/// The unified social credit code (统一社会信用代码) of GB 32100-2015: a registration-authority code, an entity-kind
/// code, the 6-digit administrative division code, the 9-character organisation code and a MOD 31 check character,
/// all from 31 characters (digits and capitals without I, O, Z, S, V).
/// </summary>
public static class CreditCode
{
    /// <summary>The code alphabet; a character's value is its index.</summary>
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    /// <summary>Weights 3^i mod 31 for positions i = 0…16 (GB 32100-2015, 5.1).</summary>
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    /// <summary>
    /// Entity-kind codes allowed under each registration-authority code (GB 32100-2015, appendix A): 9 (market
    /// regulation) registers enterprises (1), individual businesses (2) and farmers' co-operatives (3); the other
    /// authorities' kinds end with 9, "other".
    /// </summary>
    private static readonly Dictionary<char, string> KindsByAuthority = new()
    {
        ['1'] = "1239", // 机构编制: organs, public institutions, mass organisations
        ['2'] = "19",   // 外交
        ['3'] = "123459", // 司法行政: law firms, notaries, legal services, forensic institutes, arbitration
        ['4'] = "19",   // 文化
        ['5'] = "1239", // 民政: social organisations, private non-enterprise units, foundations
        ['6'] = "129",  // 旅游
        ['7'] = "129",  // 宗教
        ['8'] = "19",   // 工会
        ['9'] = "123",  // 市场监管 (工商)
        ['A'] = "19",   // 中央军委改革和编制办公室
        ['N'] = "1239", // 农业: collective economic organisations
        ['Y'] = "1",    // other authorities
    };

    /// <summary>The check character of the first 17 characters.</summary>
    /// <exception cref="ArgumentException">Not 17 characters of the alphabet.</exception>
    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != 17)
        {
            throw new ArgumentException("17 characters are required.", nameof(first17));
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var value = Alphabet.IndexOf(first17[i], StringComparison.Ordinal);
            if (value < 0)
            {
                throw new ArgumentException($"'{first17[i]}' is not in the code alphabet.", nameof(first17));
            }

            sum += value * Weights[i];
        }

        return Alphabet[(31 - (sum % 31)) % 31];
    }

    /// <summary>Why <paramref name="code"/> (already upper-cased) is not a credit code, or null when it is one.</summary>
    public static string? Problem(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (code.Length != 18)
        {
            return "a unified social credit code is 18 characters";
        }

        foreach (var c in code)
        {
            if (!Alphabet.Contains(c, StringComparison.Ordinal))
            {
                return $"'{c}' is not used in unified social credit codes (digits and capitals except I, O, Z, S, V)";
            }
        }

        if (!KindsByAuthority.TryGetValue(code[0], out var kinds) || !kinds.Contains(code[1], StringComparison.Ordinal))
        {
            return $"'{code[..2]}' is not a registration authority and entity kind";
        }

        if (code.AsSpan(2, 6).ContainsAnyExceptInRange('0', '9'))
        {
            return $"'{code.Substring(2, 6)}' is not an administrative division code";
        }

        return CheckCharacter(code.AsSpan(0, 17)) == code[17] ? null : "the check character does not match (GB 32100)";
    }

    /// <summary>True for a well-formed code.</summary>
    public static bool IsValid(string code) => Problem(code) is null;
}
