namespace Approvals.Licensing;

/// <summary>
/// Numbers and references the law fixes, in one place: every other project reads them from here, so a change of the
/// law is a change of this file (and of the tests that cite it).
/// </summary>
public static class LegalLimits
{
    /// <summary>行政许可法 Art. 32: working days for 一次性告知 before an incomplete application counts as accepted.</summary>
    public const int DeemedAcceptanceWorkingDays = 5;

    /// <summary>行政许可法 Art. 42: the single extension of a decision limit is at most this many working days.</summary>
    public const int MaxExtensionWorkingDays = 10;

    /// <summary>Validity of an issued licence in years (食品经营许可管理办法 and most licences issued here: five years).</summary>
    public const int LicenceValidityYears = 5;

    /// <summary>Legal basis of a pause before acceptance: the 一次性告知 of incomplete materials (Art. 32 (1) 4).</summary>
    public const string AcceptanceSupplementBasis = "《中华人民共和国行政许可法》第三十二条第一款第四项";

    /// <summary>Legal basis of a pause during review: time the applicant needs to supplement is not counted (Art. 32, 45).</summary>
    public const string ReviewSupplementBasis = "《中华人民共和国行政许可法》第三十二条、第四十五条";
}
