using Approvals.Licensing.Applicants;
using static Approvals.Licensing.Tests.Applicants.IdNumberGenerators;

namespace Approvals.Licensing.Tests.Applicants;

public sealed class ApplicantIdTests
{
    [Fact]
    public void CheckCharacter_StandardsOwnExamples_Match()
    {
        // GB 11643-1999's example number and GB 32100-2015's example code.
        ResidentIdNumber.CheckCharacter("11010519491231002").Should().Be('X');
        CreditCode.CheckCharacter("91350100M000100Y4").Should().Be('3');
        ResidentIdNumber.IsValid("11010519491231002X").Should().BeTrue();
        CreditCode.IsValid("91350100M000100Y43").Should().BeTrue();
    }

    [Theory]
    [InlineData("11010519491231002X", ApplicantKind.Individual)]
    [InlineData("11010519491231002x", ApplicantKind.Individual)]
    [InlineData("91350100M000100Y43", ApplicantKind.Organisation)]
    [InlineData("91440300708461136T", ApplicantKind.Organisation)]
    public void Check_ValidNumber_Kind(string id, ApplicantKind kind)
    {
        var check = ApplicantIds.Check(id, Today);
        check.Error.Should().BeNull();
        check.Kind.Should().Be(kind);
    }

    [Theory]
    [InlineData("110105194912310021", "check character does not match (GB 11643)")]
    [InlineData("110101199002301236", "'19900230' is not a possible birth date")]
    [InlineData("310101209912311234", "'20991231' is not a possible birth date")]
    [InlineData("110101189912311238", "'18991231' is not a possible birth date")]
    [InlineData("001234199003071230", "'00' is not a province code")]
    [InlineData("91350100M000100Y44", "check character does not match (GB 32100)")]
    [InlineData("91350100M000100I43", "'I' is not used")]
    [InlineData("94350100M000100Y43", "'94' is not a registration authority and entity kind")]
    [InlineData("9135010AM000100Y43", "not an administrative division code")]
    [InlineData("9135", "Must be 18 characters")]
    public void Check_InvalidNumber_SaysWhy(string id, string why)
    {
        var check = ApplicantIds.Check(id, Today);
        check.Kind.Should().BeNull();
        check.Error.Should().Contain(why);
    }

    [Fact]
    public void Check_BornToday_ValidBornTomorrow_Invalid()
    {
        static string Born(DateOnly d)
        {
            var first17 = "310101" + d.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) + "123";
            return first17 + ResidentIdNumber.CheckCharacter(first17);
        }

        ApplicantIds.Check(Born(Today), Today).Error.Should().BeNull();
        ApplicantIds.Check(Born(Today.AddDays(1)), Today).Error.Should().Contain("birth date");
    }

    [Fact]
    public void Check_CreditCodeShapedLikeAResidentId_CountsAsPerson()
    {
        // A Shanghai resident ID with a typo can pass the credit-code check (authority 3, kind 1): such a number must
        // never make its holder an organisation, whose name is published whole.
        var typo = Enumerable.Range(0, 1000)
            .Select(seq => "31010119900307" + seq.ToString("D3", System.Globalization.CultureInfo.InvariantCulture))
            .Select(first17 => first17 + CreditCode.CheckCharacter(first17))
            .First(s => ResidentIdNumber.HasPersonShape(s) && !ResidentIdNumber.IsValid(s));
        CreditCode.IsValid(typo).Should().BeTrue();
        ApplicantIds.Check(typo, Today).Kind.Should().Be(ApplicantKind.Individual);
        ApplicantIds.KindOf(typo).Should().Be(ApplicantKind.Individual);
    }

    [Fact]
    public void KindOf_NeitherStandard_Null() =>
        ApplicantIds.KindOf("not-an-id").Should().BeNull();
}
