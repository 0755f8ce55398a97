namespace Approvals.Licensing.Applicants;

/// <summary>Whether an applicant is a natural person or an organisation; it decides what is personal data.</summary>
public enum ApplicantKind
{
    /// <summary>A natural person, identified by a resident ID number (GB 11643).</summary>
    Individual,

    /// <summary>An enterprise or other organisation, identified by a unified social credit code (GB 32100).</summary>
    Organisation,
}

/// <summary>The outcome of checking an applicant's identification number.</summary>
/// <param name="Normalised">The number as stored: trimmed and upper-cased.</param>
/// <param name="Kind">The kind the number proves, or null when it is not valid.</param>
/// <param name="Error">Why the number is not valid, or null.</param>
public sealed record ApplicantIdCheck(string Normalised, ApplicantKind? Kind, string? Error);

/// <summary>
/// An applicant's identification number: a resident ID number makes the applicant an individual, a unified social
/// credit code an organisation. The kind is derived from the number, never stated separately, so it cannot disagree
/// with it. In doubt the applicant counts as a person, so a name is masked rather than published: a credit code that
/// also has the shape of a resident ID number (all digits, a province code, a birth date) — which is also what a
/// resident ID number with a typo looks like when it happens to pass the credit-code check (1 in 31 of typos for
/// provinces whose codes double as authority and kind codes, 11–13, 31–35, 41, 51–53, 61–62) — is an individual's.
/// </summary>
public static class ApplicantIds
{
    /// <summary>Checks <paramref name="idNumber"/> as given by an applicant on <paramref name="today"/> (China time).</summary>
    public static ApplicantIdCheck Check(string idNumber, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(idNumber);
        var id = Normalise(idNumber);
        var asPerson = ResidentIdNumber.Problem(id, today);
        if (asPerson is null)
        {
            return new(id, ApplicantKind.Individual, null);
        }

        var asOrganisation = CreditCode.Problem(id);
        if (asOrganisation is null)
        {
            return new(id, KindOfCreditCode(id), null);
        }

        var error = id.Length != 18
            ? "Must be 18 characters: a resident ID number (GB 11643) or a unified social credit code (GB 32100)."
            : LooksLikePerson(id)
                ? $"Not a valid resident ID number: {asPerson}."
                : $"Not a valid unified social credit code: {asOrganisation}.";
        return new(id, null, error);
    }

    /// <summary>The kind a stored (already validated) number proves; null for a number that is neither.</summary>
    public static ApplicantKind? KindOf(string? idNumber)
    {
        if (idNumber is null)
        {
            return null;
        }

        var id = Normalise(idNumber);
        return ResidentIdNumber.IsValid(id) ? ApplicantKind.Individual : CreditCode.IsValid(id) ? KindOfCreditCode(id) : null;
    }

    private static ApplicantKind KindOfCreditCode(string code) =>
        ResidentIdNumber.HasPersonShape(code) ? ApplicantKind.Individual : ApplicantKind.Organisation;

    /// <summary>Trimmed and upper-cased: a lower-case <c>x</c> check character is the same number.</summary>
    public static string Normalise(string idNumber) => idNumber.Trim().ToUpperInvariant();

    /// <summary>
    /// 17 digits then a digit or X, not starting with 9 (market-regulation credit codes, the common all-digit ones): the
    /// applicant meant a resident ID number, so its problem is the one to tell.
    /// </summary>
    private static bool LooksLikePerson(string id) =>
        !id.AsSpan(0, 17).ContainsAnyExceptInRange('0', '9') && (char.IsAsciiDigit(id[17]) || id[17] == 'X') && id[0] != '9';
}
