namespace Approvals.Licensing.Cases;

/// <summary>
/// ISO 7064 MOD 37-2 check characters over digits and uppercase letters. Chosen over MOD 11-2 (the
/// ID-card algorithm) because the numbers contain letters: with 37 a prime larger than the alphabet,
/// every single-character substitution and almost every adjacent transposition changes the check.
/// </summary>
internal static class CheckCharacters
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*";

    public static char Mod37_2(string payload)
    {
        var p = 0;
        foreach (var c in payload)
        {
            var v = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (v is < 0 or > 35)
            {
                throw new ArgumentException($"'{c}' cannot be check-summed (digits and A–Z only).", nameof(payload));
            }

            p = (p + v) * 2 % 37;
        }

        return Alphabet[(38 - p) % 37];
    }
}
