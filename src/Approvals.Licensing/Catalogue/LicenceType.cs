namespace Approvals.Licensing.Catalogue;

/// <summary>
/// One licence type (事项) of the catalogue, at one version. A case pins the version it started
/// with, so a later edit of the catalogue never changes a running case.
/// </summary>
/// <param name="Id">Stable identifier, e.g. <c>food-business</c>.</param>
/// <param name="Name">Official Chinese name, e.g. 食品经营许可.</param>
/// <param name="Version">Version of this licence type's definition, e.g. <c>2025.1</c>.</param>
/// <param name="Code">2–4 uppercase letters used in case and licence numbers, e.g. <c>FB</c>.</param>
/// <param name="Materials">The checklist of materials (申请材料).</param>
/// <param name="Departments">The reviewing departments, reviewed in parallel (并联审批).</param>
/// <param name="ServiceCentre">The acceptance step (受理) at the service centre.</param>
/// <param name="PromisedLimitWorkingDays">Promised limit (承诺时限) in working days, ≤ the legal limit.</param>
/// <param name="LegalLimitWorkingDays">Legal limit (法定时限) in working days.</param>
/// <param name="FollowUpWorkingDays">Follow-up period (督办): working days after the due date before a red card.</param>
/// <param name="Jurisdiction">Jurisdiction whose working-day calendar applies, e.g. <c>CN</c>.</param>
public sealed record LicenceType(
    string Id,
    string Name,
    string Version,
    string Code,
    IReadOnlyList<MaterialRequirement> Materials,
    IReadOnlyList<DepartmentStep> Departments,
    ServiceCentreStep ServiceCentre,
    int PromisedLimitWorkingDays,
    int LegalLimitWorkingDays,
    int FollowUpWorkingDays,
    string Jurisdiction)
{
    /// <summary>The fields of the application form (申请表), checked when a draft is created.</summary>
    public IReadOnlyList<FormField> FormFields { get; init; } = [];

    /// <summary>The lead department (牵头部门); a valid catalogue has exactly one.</summary>
    public DepartmentStep Lead => Departments.First(d => d.Role == DepartmentRole.Lead);

    /// <summary>The material with the given id, or null.</summary>
    public MaterialRequirement? FindMaterial(string materialId) =>
        Materials.FirstOrDefault(m => string.Equals(m.Id, materialId, StringComparison.Ordinal));
}

/// <summary>One required or optional material (申请材料) of a licence type.</summary>
/// <param name="Id">Stable identifier within the licence type, e.g. <c>business-licence</c>.</param>
/// <param name="Name">Chinese name shown to applicants.</param>
/// <param name="Required">Whether the application is incomplete without it.</param>
/// <param name="AllowedContentTypes">MIME types accepted (checked by content, not by extension).</param>
/// <param name="MaxBytes">Largest accepted upload in bytes.</param>
public sealed record MaterialRequirement(
    string Id,
    string Name,
    bool Required,
    IReadOnlyList<string> AllowedContentTypes,
    long MaxBytes);

/// <summary>The role of a department in parallel review.</summary>
public enum DepartmentRole
{
    /// <summary>Lead department (牵头部门): coordinates and issues the licence.</summary>
    Lead,

    /// <summary>Co-handling department (协办部门).</summary>
    CoHandling,
}

/// <summary>One department's review step.</summary>
/// <param name="DepartmentId">Id in the department directory.</param>
/// <param name="Name">Department name (from the directory).</param>
/// <param name="Role">Lead or co-handling.</param>
/// <param name="LimitWorkingDays">This step's own time limit in working days.</param>
public sealed record DepartmentStep(string DepartmentId, string Name, DepartmentRole Role, int LimitWorkingDays);

/// <summary>How the service centre accepts a complete application.</summary>
public enum AcceptanceMode
{
    /// <summary>Window staff pre-review and accept or refuse (受理 / 不予受理).</summary>
    Manual,

    /// <summary>A complete application is accepted automatically (即报即受理).</summary>
    AutoAccept,
}

/// <summary>The acceptance step at the service centre (政务服务中心).</summary>
/// <param name="DepartmentId">Department id of the service centre, normally <c>service-centre</c>.</param>
/// <param name="Mode">Manual or automatic acceptance.</param>
/// <param name="LimitWorkingDays">Working days to accept or give 一次性告知; 5 by law (行政许可法 Art. 32).</param>
public sealed record ServiceCentreStep(string DepartmentId, AcceptanceMode Mode, int LimitWorkingDays)
{
    /// <summary>The conventional department id of the service centre.</summary>
    public const string DefaultDepartmentId = "service-centre";
}

/// <summary>An entry of the department directory.</summary>
/// <param name="Id">Stable id, e.g. <c>market-supervision</c>.</param>
/// <param name="Name">Chinese name, e.g. 市场监督管理局.</param>
public sealed record Department(string Id, string Name);
