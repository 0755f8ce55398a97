using System.Text.Json;
using Approvals.Licensing.Applicants;
using Approvals.Licensing.Catalogue;
using Approvals.Pipeline.Cases;

namespace Approvals.Pipeline.Applicants;

/// <summary>A draft request that passed every check, normalised as it will be stored.</summary>
internal sealed record ValidDraft(LicenceType Type, ApplicantDetails Applicant, string FormJson);

/// <summary>
/// The one place that checks <c>POST /api/applications</c>: the licence type, the applicant (name, resident ID number
/// or unified social credit code with its check character, phone, e-mail), the form against the type's declared
/// fields, and the Idempotency-Key. Every error is collected, keyed by field, so the applicant learns everything
/// wrong in one answer (一次性告知), never one field per round trip.
/// </summary>
internal static class ApplicantValidation
{
    public const int MaxNameLength = 200;
    public const int MaxIdempotencyKeyLength = 200;

    /// <summary>The whole form as JSON; string fields are bounded by the catalogue, this bounds the rest.</summary>
    public const int MaxFormJsonLength = 32_000;

    /// <summary>China Standard Time (no daylight saving): what "today" is for a birth date.</summary>
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    public static Dictionary<string, string[]> Validate(
        CreateDraftRequest body, LicenceCatalogue catalogue, string? idempotencyKey, DateTimeOffset now, out ValidDraft? draft)
    {
        ArgumentNullException.ThrowIfNull(body);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var type = body.LicenceTypeId is { Length: > 0 } typeId ? catalogue.Find(typeId) : null;
        if (type is null)
        {
            errors["licenceTypeId"] = ["Unknown licence type."];
        }

        var applicant = CheckApplicant(body.Applicant, DateOnly.FromDateTime(now.ToOffset(ChinaOffset).DateTime), errors);
        if (idempotencyKey is { Length: 0 or > MaxIdempotencyKeyLength })
        {
            errors["Idempotency-Key"] = [$"When present, 1 to {MaxIdempotencyKeyLength} characters."];
        }

        var form = body.Form is { ValueKind: JsonValueKind.Object } f ? f.GetRawText() : "{}";
        if (form.Length > MaxFormJsonLength)
        {
            errors["form"] = [$"At most {MaxFormJsonLength:N0} characters of JSON."];
        }
        else if (type is not null)
        {
            foreach (var (field, messages) in FormRules.Validate(type.FormFields, body.Form))
            {
                errors[field] = messages;
            }
        }

        draft = errors.Count == 0 && type is not null && applicant is not null ? new ValidDraft(type, applicant, form) : null;
        return errors;
    }

    private static ApplicantDetails? CheckApplicant(ApplicantRequest? a, DateOnly today, Dictionary<string, string[]> errors)
    {
        var name = a?.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            errors["applicant.name"] = [$"Required, at most {MaxNameLength} characters, no control characters."];
        }

        string? idNumber = null;
        if (string.IsNullOrWhiteSpace(a?.IdNumber))
        {
            errors["applicant.idNumber"] = ["Required: an 18-character resident ID number (individuals) or unified social credit code (organisations)."];
        }
        else if (ApplicantIds.Check(a.IdNumber, today) is { Error: { } idError })
        {
            errors["applicant.idNumber"] = [idError];
        }
        else
        {
            idNumber = ApplicantIds.Normalise(a.IdNumber);
        }

        string? phone = null;
        if (string.IsNullOrWhiteSpace(a?.Phone))
        {
            errors["applicant.phone"] = ["Required: a mainland mobile number or a landline with its area code."];
        }
        else
        {
            var checkedPhone = ContactDetails.Phone(a.Phone);
            if (checkedPhone.Error is not null)
            {
                errors["applicant.phone"] = [checkedPhone.Error];
            }
            else
            {
                phone = checkedPhone.Normalised;
            }
        }

        string? email = null;
        if (a?.Email is { } given)
        {
            var e = ContactDetails.Email(given);
            if (e.Error is not null)
            {
                errors["applicant.email"] = [e.Error];
            }

            email = e.Normalised;
        }

        return errors.Keys.Any(k => k.StartsWith("applicant.", StringComparison.Ordinal)) || name is null || idNumber is null || phone is null
            ? null
            : new ApplicantDetails(name, idNumber, phone, email);
    }
}
