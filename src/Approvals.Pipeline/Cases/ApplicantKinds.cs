using Approvals.Licensing.Applicants;

namespace Approvals.Pipeline.Cases;

/// <summary>The applicant's kind and public name, derived from the stored id number (see <see cref="ApplicantIds"/>).</summary>
internal static class ApplicantKinds
{
    /// <summary>
    /// The kind the id number proves. A number that proves neither (stored before numbers were checked) counts as a
    /// person's: when in doubt, a name is masked rather than published.
    /// </summary>
    public static ApplicantKind KindOf(string? idNumber) => ApplicantIds.KindOf(idNumber) ?? ApplicantKind.Individual;

    /// <summary>The name as the public may see it: a person's masked, an organisation's whole.</summary>
    public static string PublicName(string? name, string? idNumber) => PublicNames.Of(name, KindOf(idNumber));
}
