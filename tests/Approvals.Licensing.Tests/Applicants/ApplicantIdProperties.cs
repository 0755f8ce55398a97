using Approvals.Licensing.Applicants;
using FsCheck.Xunit;
using static Approvals.Licensing.Tests.Applicants.IdNumberGenerators;

namespace Approvals.Licensing.Tests.Applicants;

public sealed class ApplicantIdProperties
{
    [Property(MaxTest = 500)]
    public bool ResidentId_Generated_ValidAndIndividual(int a, int b, int c)
    {
        var id = ResidentId(a, b, c);
        var check = ApplicantIds.Check(id, Today);
        return ResidentIdNumber.Problem(id, Today) is null && check.Error is null && check.Kind == ApplicantKind.Individual
            && ApplicantIds.KindOf(id) == ApplicantKind.Individual;
    }

    [Property(MaxTest = 1000)]
    public bool ResidentId_AnySingleCharacterChanged_Invalid(int a, int b, int c, int position, int replacement)
    {
        var changed = Corrupt(ResidentId(a, b, c), position, replacement, "0123456789X");
        return ResidentIdNumber.Problem(changed) is not null;
    }

    [Property(MaxTest = 500)]
    public bool CreditCode_Generated_Valid(int a, int b, long c)
    {
        var code = CreditCodeOf(a, b, c);
        return CreditCode.Problem(code) is null && ApplicantIds.Check(code, Today).Error is null;
    }

    [Property(MaxTest = 500)]
    public bool CreditCode_Enterprise_Organisation(int a, int b, long c)
    {
        var code = CreditCodeOf(a, b, c, enterprise: true);
        return ApplicantIds.Check(code, Today).Kind == ApplicantKind.Organisation && ApplicantIds.KindOf(code) == ApplicantKind.Organisation;
    }

    [Property(MaxTest = 1000)]
    public bool CreditCode_AnySingleCharacterChanged_Invalid(int a, int b, long c, int position, int replacement)
    {
        var changed = Corrupt(CreditCodeOf(a, b, c), position, replacement, CreditCode.Alphabet + "IOZSV");
        return CreditCode.Problem(changed) is not null;
    }

    [Property(MaxTest = 300)]
    public bool Check_LowerCaseInput_SameNumberUpperCased(int a, int b, long c)
    {
        var code = CreditCodeOf(a, b, c);
        var check = ApplicantIds.Check(" " + code.ToLowerInvariant() + " ", Today);
        return check.Error is null && check.Normalised == code;
    }
}
