using System.Text.RegularExpressions;

namespace Approvals.Licensing.Applicants;

/// <summary>The outcome of checking a contact detail: the value as stored, or why it is not valid.</summary>
/// <param name="Normalised">The value as stored (spaces dropped, country code dropped from a mobile number).</param>
/// <param name="Error">Why the value is not valid, or null.</param>
public sealed record ContactCheck(string Normalised, string? Error);

/// <summary>Phone numbers and e-mail addresses the service centre can actually reach.</summary>
public static partial class ContactDetails
{
    /// <summary>RFC 5321's limit on a forward path.</summary>
    public const int MaxEmailLength = 254;

    /// <summary>
    /// A mainland mobile number (11 digits from 13x to 19x, optionally after +86 / 0086) or a landline with its area
    /// code (0 and 2–3 digits, then a 7–8 digit local number that does not start with 0 or 1, optionally an extension
    /// after a dash). Spaces are dropped; the stored mobile number is its 11 digits.
    /// </summary>
    public static ContactCheck Phone(string phone)
    {
        ArgumentNullException.ThrowIfNull(phone);
        var compact = phone.Replace(" ", "", StringComparison.Ordinal).Trim();
        if (Mobile().Match(compact) is { Success: true } mobile)
        {
            return new(mobile.Groups["number"].Value, null);
        }

        return Landline().IsMatch(compact)
            ? new(compact, null)
            : new(compact, "Must be a mainland mobile number (e.g. 13800138000) or a landline with its area code (e.g. 021-62345678).");
    }

    /// <summary>An address of the form <c>local@domain.tld</c>: no spaces, one @, a dotted domain of letters, digits and dashes.</summary>
    public static ContactCheck Email(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var trimmed = email.Trim();
        return trimmed.Length <= MaxEmailLength && EmailPattern().IsMatch(trimmed)
            ? new(trimmed, null)
            : new(trimmed, $"Must be an e-mail address such as name@example.cn, at most {MaxEmailLength} characters.");
    }

    [GeneratedRegex(@"^(?:(?:\+|00)86-?)?(?<number>1[3-9]\d{9})$")]
    private static partial Regex Mobile();

    [GeneratedRegex(@"^(?:0\d{2,3}-?|\(0\d{2,3}\))[2-9]\d{6,7}(?:-\d{1,6})?$")]
    private static partial Regex Landline();

    [GeneratedRegex(@"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")]
    private static partial Regex EmailPattern();
}
