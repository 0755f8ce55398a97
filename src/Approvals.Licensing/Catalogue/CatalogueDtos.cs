namespace Approvals.Licensing.Catalogue;

// The JSON shape of catalogue data files (docs/licensing.md, "Catalogue format"). Everything is nullable so
// that a missing field becomes a validation error naming the field, not a deserialisation crash.

internal sealed record CatalogueFileDto(
    string? Kind,
    string? Version,
    List<DepartmentDto>? Departments,
    string? Id,
    string? Name,
    string? Code,
    string? Jurisdiction,
    int? PromisedLimitWorkingDays,
    int? LegalLimitWorkingDays,
    int? FollowUpWorkingDays,
    ServiceCentreDto? ServiceCentre,
    List<MaterialDto>? Materials,
    List<FormFieldDto>? FormFields);

/// <summary>A directory entry (department-directory files) or a review step (licence-type files).</summary>
internal sealed record DepartmentDto(string? Id, string? Name, string? DepartmentId, string? Role, int? LimitWorkingDays);

internal sealed record ServiceCentreDto(string? DepartmentId, string? Mode, int? LimitWorkingDays);

internal sealed record MaterialDto(string? Id, string? Name, bool? Required, List<string>? AllowedContentTypes, long? MaxBytes);

internal sealed record FormFieldDto(
    string? Id, string? Name, string? Type, bool? Required, int? MinLength, int? MaxLength, decimal? Minimum, decimal? Maximum, List<string>? Values);
