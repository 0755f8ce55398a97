using Approvals.Licensing.Cases;
using Approvals.Licensing.Licences;

namespace Approvals.Licensing.Tests.Cases;

public sealed class CaseNumberTests
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*-abcxyz ";

    [Fact]
    public void Create_ThenParse_RoundTrips()
    {
        var n = CaseNumber.Create("310000", new DateOnly(2026, 11, 22), "FB", 123);
        var text = n.ToString();
        text.Should().MatchRegex(@"^310000-20261122-FB-000123-[0-9A-Z*]$");
        CaseNumber.Parse(text).Should().Be(n);
        var parsed = CaseNumber.Parse(text);
        (parsed.Region, parsed.Date, parsed.TypeCode, parsed.Sequence).Should().Be(("310000", new DateOnly(2026, 11, 22), "FB", 123));
    }

    [Fact]
    public void TryParse_EverySingleCharacterCorruption_Rejected()
    {
        var text = CaseNumber.Create("440300", new DateOnly(2025, 10, 9), "CP", 98765).ToString();
        var accepted = new List<string>();
        for (var i = 0; i < text.Length; i++)
        {
            foreach (var c in Alphabet.Where(c => c != text[i]))
            {
                var corrupted = string.Concat(text.AsSpan(0, i), c.ToString(), text.AsSpan(i + 1));
                if (CaseNumber.TryParse(corrupted, out _))
                {
                    accepted.Add(corrupted);
                }
            }
        }

        accepted.Should().BeEmpty();
    }

    [Fact]
    public void TryParse_AdjacentDigitTransposition_Rejected()
    {
        var text = CaseNumber.Create("440300", new DateOnly(2025, 10, 9), "CP", 98765).ToString();
        for (var i = 0; i < text.Length - 1; i++)
        {
            if (text[i] == text[i + 1] || text[i] == '-' || text[i + 1] == '-')
            {
                continue;
            }

            var swapped = string.Concat(text.AsSpan(0, i), text[i + 1].ToString(), text[i].ToString(), text.AsSpan(i + 2));
            CaseNumber.TryParse(swapped, out _).Should().BeFalse(swapped);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("310000-20261122-FB-000123")]
    [InlineData("31000-20261122-FB-000123-7")]
    [InlineData("310000-20261322-FB-000123-7")]
    [InlineData("310000-20261122-fb-000123-7")]
    [InlineData("310000-20261122-FBCDE-000123-7")]
    [InlineData("310000-20261122-FB-000000-7")]
    public void TryParse_Malformed_False(string text) =>
        CaseNumber.TryParse(text, out _).Should().BeFalse();

    [Fact]
    public void Parse_Malformed_ThrowsFormatException() =>
        FluentActions.Invoking(() => CaseNumber.Parse("nope")).Should().Throw<FormatException>();

    [Theory]
    [InlineData("31000", "FB", 1)]
    [InlineData("310000", "F", 1)]
    [InlineData("310000", "fb", 1)]
    [InlineData("310000", "FB", 0)]
    [InlineData("310000", "FB", 1_000_000)]
    public void Create_BadPart_Throws(string region, string code, int sequence) =>
        FluentActions.Invoking(() => CaseNumber.Create(region, new DateOnly(2026, 1, 5), code, sequence)).Should().Throw<ArgumentException>();

    [Fact]
    public void LicenceNumber_IsValidAndDistinctFromCaseNumbers()
    {
        var licence = LicenceNumbers.Create("FB", new DateOnly(2026, 11, 22), 123);
        licence.Should().MatchRegex(@"^FB2026112200000123[0-9A-Z*]$");
        LicenceNumbers.IsValid(licence).Should().BeTrue();
        CaseNumber.TryParse(licence, out _).Should().BeFalse();
        LicenceNumbers.IsValid(CaseNumber.Create("310000", new DateOnly(2026, 11, 22), "FB", 123).ToString()).Should().BeFalse();
    }

    [Fact]
    public void LicenceNumber_EverySingleCharacterCorruption_Invalid()
    {
        var licence = LicenceNumbers.Create("CP", new DateOnly(2025, 2, 5), 4567);
        for (var i = 0; i < licence.Length; i++)
        {
            foreach (var c in Alphabet.Where(c => c != licence[i]))
            {
                var corrupted = string.Concat(licence.AsSpan(0, i), c.ToString(), licence.AsSpan(i + 1));
                LicenceNumbers.IsValid(corrupted).Should().BeFalse(corrupted);
            }
        }
    }
}
