using System.Globalization;
using System.Text.Json;

namespace Approvals.Licensing.Catalogue;

/// <summary>
/// Checks an application form against its licence type's declared fields. Every problem is reported at once, keyed
/// <c>form.{field}</c> (or <c>form</c> when it is not an object), so the applicant fixes the form in one round trip.
/// </summary>
public static class FormRules
{
    /// <summary>The errors of <paramref name="form"/> (null: no form was sent), empty when it is valid.</summary>
    public static IReadOnlyDictionary<string, string[]> Validate(IReadOnlyList<FormField> fields, JsonElement? form)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var errors = new SortedDictionary<string, string[]>(StringComparer.Ordinal);
        if (form is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) })
        {
            errors["form"] = ["Must be a JSON object."];
            return errors;
        }

        var given = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (form is { ValueKind: JsonValueKind.Object } obj)
        {
            foreach (var property in obj.EnumerateObject())
            {
                if (!given.TryAdd(property.Name, property.Value))
                {
                    errors["form." + property.Name] = ["Given more than once."];
                }
            }
        }

        var declared = fields.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var name in given.Keys.Where(n => !declared.Contains(n)))
        {
            errors["form." + name] = [$"Unknown field: this licence type's form has {string.Join(", ", fields.Select(f => f.Id))}."];
        }

        foreach (var field in fields)
        {
            var present = given.TryGetValue(field.Id, out var value) && value.ValueKind != JsonValueKind.Null;
            var problem = !present
                ? field.Required ? $"Required ({field.Name})." : null
                : Check(field, value);
            if (problem is not null)
            {
                errors.TryAdd("form." + field.Id, [problem]);
            }
        }

        return errors;
    }

    private static string? Check(FormField field, JsonElement value) => field.Type switch
    {
        FormFieldType.String => CheckString(field, value),
        FormFieldType.Number or FormFieldType.Integer => CheckNumber(field, value),
        FormFieldType.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : "Must be true or false.",
        FormFieldType.Enum => value.ValueKind == JsonValueKind.String && field.Values!.Contains(value.GetString()!, StringComparer.Ordinal)
            ? null
            : $"Must be one of: {string.Join("、", field.Values!)}.",
        _ => throw new ArgumentOutOfRangeException(nameof(field), field.Type, "Unknown form field type."),
    };

    private static string? CheckString(FormField field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return "Must be a string.";
        }

        var text = value.GetString()!;
        var length = text.EnumerateRunes().Count();
        if (field.Required && string.IsNullOrWhiteSpace(text))
        {
            return $"Required ({field.Name}).";
        }

        if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\t')))
        {
            return "Must not contain control characters.";
        }

        return length < (field.MinLength ?? 0) || length > field.MaxLength
            ? $"Must be {field.MinLength ?? 0} to {field.MaxLength} characters; it has {length}."
            : null;
    }

    private static string? CheckNumber(FormField field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var number))
        {
            return field.Type == FormFieldType.Integer ? "Must be a whole number." : "Must be a number.";
        }

        if (field.Type == FormFieldType.Integer && !decimal.IsInteger(number))
        {
            return "Must be a whole number.";
        }

        return number < field.Minimum || number > field.Maximum
            ? $"Must be between {Format(field.Minimum)} and {Format(field.Maximum)}."
            : null;
    }

    private static string Format(decimal? bound) => bound?.ToString(CultureInfo.InvariantCulture) ?? "any";
}
