using System.Globalization;
using System.Text;

namespace Approvals.Licensing.Applicants;

/// <summary>
/// Names as the public sees them (外网公示, licence verification). A person's name is personal data: only its first
/// character stays, every other character becomes <c>*</c> (张三 → 张*, 迪丽热巴 → 迪***), whatever the length. An
/// organisation's name is public by nature (it is on its business licence) and stays whole.
/// </summary>
public static class PublicNames
{
    /// <summary>The name as it may be published for an applicant of <paramref name="kind"/>.</summary>
    public static string Of(string? name, ApplicantKind kind)
    {
        var trimmed = name?.Trim() ?? string.Empty;
        return kind == ApplicantKind.Organisation ? trimmed : MaskPerson(trimmed);
    }

    /// <summary>
    /// The first text element and one <c>*</c> per further one, at least one (a one-character name is not shown whole).
    /// A name that does not start with a letter (an id number or phone typed into the name field) is masked entirely.
    /// </summary>
    private static string MaskPerson(string name)
    {
        var elements = new StringInfo(name).LengthInTextElements;
        if (elements == 0)
        {
            return "*";
        }

        var first = StringInfo.GetNextTextElement(name);
        return char.IsLetter(first, 0)
            ? new StringBuilder(first).Append('*', Math.Max(1, elements - 1)).ToString()
            : new string('*', elements);
    }
}
