namespace Approvals.Licensing.Catalogue;

/// <summary>The JSON type of a form field's value.</summary>
public enum FormFieldType
{
    /// <summary>Text, bounded by <see cref="FormField.MinLength"/> and <see cref="FormField.MaxLength"/> (characters).</summary>
    String,

    /// <summary>A JSON number, bounded by <see cref="FormField.Minimum"/> and <see cref="FormField.Maximum"/>.</summary>
    Number,

    /// <summary>A JSON number without a fractional part, bounded like <see cref="Number"/>.</summary>
    Integer,

    /// <summary>JSON <c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>One of the strings in <see cref="FormField.Values"/>.</summary>
    Enum,
}

/// <summary>
/// One field of a licence type's application form (申请表): the <c>form</c> object of a draft must hold exactly the
/// declared fields, each of its type and within its bounds, every required one present.
/// </summary>
/// <param name="Id">The property name in <c>form</c>, camelCase, e.g. <c>floorArea</c>.</param>
/// <param name="Name">Chinese label shown to applicants, e.g. 经营场所面积（平方米）.</param>
/// <param name="Type">The value's type.</param>
/// <param name="Required">Whether a draft without it is refused.</param>
/// <param name="MinLength">Strings: fewest characters (Unicode scalar values).</param>
/// <param name="MaxLength">Strings: most characters; every string field declares one.</param>
/// <param name="Minimum">Numbers and integers: smallest value (inclusive).</param>
/// <param name="Maximum">Numbers and integers: largest value (inclusive).</param>
/// <param name="Values">Enumerations: the allowed values.</param>
public sealed record FormField(
    string Id,
    string Name,
    FormFieldType Type,
    bool Required,
    int? MinLength = null,
    int? MaxLength = null,
    decimal? Minimum = null,
    decimal? Maximum = null,
    IReadOnlyList<string>? Values = null);
