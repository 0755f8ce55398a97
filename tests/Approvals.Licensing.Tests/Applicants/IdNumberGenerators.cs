using System.Globalization;
using Approvals.Licensing.Applicants;

namespace Approvals.Licensing.Tests.Applicants;

/// <summary>Valid id numbers built from seeds, their check characters computed by the algorithms under test.</summary>
internal static class IdNumberGenerators
{
    public static readonly DateOnly Today = new(2026, 12, 2);

    private static readonly int[] Provinces = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83];

    private static readonly string[] AuthorityAndKind = ["11", "12", "13", "19", "51", "52", "53", "59", "91", "92", "93", "Y1", "N2", "31"];

    public static string ResidentId(int a, int b, int c)
    {
        var province = Provinces[(int)((uint)a % (uint)Provinces.Length)];
        var area = ((uint)b % 10_000).ToString("D4", CultureInfo.InvariantCulture);
        var span = Today.DayNumber - new DateOnly(1900, 1, 1).DayNumber;
        var birth = new DateOnly(1900, 1, 1).AddDays((int)((uint)c % (uint)span));
        var sequence = ((uint)(a ^ c) % 1000).ToString("D3", CultureInfo.InvariantCulture);
        var first17 = province.ToString(CultureInfo.InvariantCulture) + area + birth.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + sequence;
        return first17 + ResidentIdNumber.CheckCharacter(first17);
    }

    public static string CreditCodeOf(int a, int b, long c, bool enterprise = false)
    {
        var head = enterprise ? "91" : AuthorityAndKind[(int)((uint)a % (uint)AuthorityAndKind.Length)];
        var region = ((uint)b % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        var body = new char[9];
        var x = (ulong)c;
        for (var i = 0; i < body.Length; i++)
        {
            body[i] = CreditCode.Alphabet[(int)(x % 31)];
            x = (x / 31) ^ (ulong)(a * 7919 + i);
        }

        var first17 = head + region + new string(body);
        return first17 + CreditCode.CheckCharacter(first17);
    }

    /// <summary>The id with the character at <paramref name="position"/> replaced by another one of <paramref name="alphabet"/>.</summary>
    public static string Corrupt(string id, int position, int replacement, string alphabet)
    {
        var at = (int)((uint)position % (uint)id.Length);
        var others = alphabet.Where(ch => ch != id[at]).ToArray();
        var chars = id.ToCharArray();
        chars[at] = others[(int)((uint)replacement % (uint)others.Length)];
        return new string(chars);
    }
}
