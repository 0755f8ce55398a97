using System.Text.RegularExpressions;

namespace Approvals.Licensing.Catalogue;

/// <summary>The form-field declarations of a licence-type file.</summary>
internal static partial class LicenceTypeValidator
{
    /// <summary>Upper bound of a string field: the whole form is capped at 32,000 characters of JSON at the edge.</summary>
    internal const int MaxFormStringLength = 4000;

    private static List<FormField> ReadFormFields(List<FormFieldDto>? dtos, Action<string, string> error)
    {
        var result = new List<FormField>();
        if (dtos is null)
        {
            error("formFields", "is required (an empty list when the type has no form).");
            return result;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < dtos.Count; i++)
        {
            var f = dtos[i];
            var at = $"formFields[{i}]";
            if (f.Id is null || !FieldIdPattern().IsMatch(f.Id))
            {
                error($"{at}.id", $"'{f.Id}' must be camelCase letters and digits (the property name in the form).");
            }
            else if (!ids.Add(f.Id))
            {
                error($"{at}.id", $"duplicate form field id '{f.Id}'.");
            }

            if (string.IsNullOrWhiteSpace(f.Name))
            {
                error($"{at}.name", "is required.");
            }

            if (f.Required is null)
            {
                error($"{at}.required", "must be true or false.");
            }

            FormFieldType? type = f.Type switch
            {
                "string" => FormFieldType.String,
                "number" => FormFieldType.Number,
                "integer" => FormFieldType.Integer,
                "boolean" => FormFieldType.Boolean,
                "enum" => FormFieldType.Enum,
                _ => null,
            };
            if (type is null)
            {
                error($"{at}.type", $"'{f.Type}' must be string, number, integer, boolean or enum.");
            }
            else
            {
                CheckBounds(f, type.Value, at, error);
            }

            result.Add(new FormField(f.Id ?? "", f.Name ?? "", type ?? FormFieldType.String, f.Required ?? false, f.MinLength, f.MaxLength, f.Minimum, f.Maximum, f.Values));
        }

        return result;
    }

    /// <summary>Each bound belongs to one type, so a misplaced one is a mistake in the file, not something to ignore.</summary>
    private static void CheckBounds(FormFieldDto f, FormFieldType type, string at, Action<string, string> error)
    {
        if (type == FormFieldType.String)
        {
            if (f.MaxLength is not (>= 1 and <= MaxFormStringLength))
            {
                error($"{at}.maxLength", $"{f.MaxLength} must be 1–{MaxFormStringLength} (every string field is bounded).");
            }
            else if (f.MinLength is < 0 || f.MinLength > f.MaxLength)
            {
                error($"{at}.minLength", $"{f.MinLength} must be 0–{f.MaxLength}.");
            }
        }
        else if (f.MinLength is not null || f.MaxLength is not null)
        {
            error($"{at}.maxLength", "minLength and maxLength apply to string fields only.");
        }

        if (type is FormFieldType.Number or FormFieldType.Integer)
        {
            if (f.Minimum > f.Maximum)
            {
                error($"{at}.minimum", $"{f.Minimum} exceeds the maximum {f.Maximum}.");
            }
        }
        else if (f.Minimum is not null || f.Maximum is not null)
        {
            error($"{at}.minimum", "minimum and maximum apply to number and integer fields only.");
        }

        if (type == FormFieldType.Enum)
        {
            var values = f.Values ?? [];
            if (values.Count == 0 || values.Any(string.IsNullOrWhiteSpace))
            {
                error($"{at}.values", "an enum lists at least one value, none blank.");
            }
            else if (values.Distinct(StringComparer.Ordinal).Count() != values.Count)
            {
                error($"{at}.values", "values must be distinct.");
            }
        }
        else if (f.Values is not null)
        {
            error($"{at}.values", "values apply to enum fields only.");
        }
    }

    [GeneratedRegex("^[a-z][a-zA-Z0-9]*$")]
    private static partial Regex FieldIdPattern();
}
