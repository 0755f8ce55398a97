using System.Text.RegularExpressions;

namespace Approvals.Licensing.Catalogue;

/// <summary>Turns one licence-type file into a <see cref="LicenceType"/>, collecting every error.</summary>
internal static partial class LicenceTypeValidator
{
    /// <summary>The content types the upload pipeline can recognise by their bytes.</summary>
    internal static readonly IReadOnlySet<string> KnownContentTypes =
        new HashSet<string>(StringComparer.Ordinal) { "application/pdf", "image/jpeg", "image/png" };

    /// <summary>Art. 32: the authority must accept or give 一次性告知 within 5 working days.</summary>
    internal const int MaxAcceptanceWorkingDays = 5;

    /// <summary>Upper bound for one material; larger scans belong split into several files.</summary>
    internal const long MaxMaterialBytes = 200L * 1024 * 1024;

    public static (string Source, LicenceType Type)? Read(
        string source,
        CatalogueFileDto dto,
        IReadOnlyDictionary<string, Department> directory,
        IReadOnlySet<string> jurisdictions,
        List<string> errors)
    {
        var before = errors.Count;
        var at = $"{source} [{dto.Id ?? "?"} {dto.Version ?? "?"}]";
        void Error(string field, string message) => errors.Add($"{at} {field}: {message}");

        if (dto.Id is null || !CatalogueLoader.IdPattern().IsMatch(dto.Id))
        {
            Error("id", $"'{dto.Id}' must be lowercase letters, digits and dashes.");
        }

        if (string.IsNullOrWhiteSpace(dto.Name))
        {
            Error("name", "is required.");
        }

        if (dto.Version is null || !VersionPattern().IsMatch(dto.Version))
        {
            Error("version", $"'{dto.Version}' must be dotted numbers such as 2025.1.");
        }

        if (dto.Code is null || !CodePattern().IsMatch(dto.Code))
        {
            Error("code", $"'{dto.Code}' must be 2–4 uppercase letters (it appears in case and licence numbers).");
        }

        if (dto.Jurisdiction is null || !jurisdictions.Contains(dto.Jurisdiction))
        {
            Error("jurisdiction", $"'{dto.Jurisdiction}' has no working-day calendar (known: {string.Join(", ", jurisdictions.Order(StringComparer.Ordinal))}).");
        }

        var promised = dto.PromisedLimitWorkingDays ?? 0;
        var legal = dto.LegalLimitWorkingDays ?? 0;
        var followUp = dto.FollowUpWorkingDays ?? 0;
        if (promised < 1)
        {
            Error("promisedLimitWorkingDays", "must be at least 1.");
        }

        if (legal < 1)
        {
            Error("legalLimitWorkingDays", "must be at least 1.");
        }

        // 承诺时限 is a promise to do better than the law, never worse.
        if (promised > legal && legal >= 1)
        {
            Error("promisedLimitWorkingDays", $"promised limit {promised} exceeds the legal limit {legal}.");
        }

        if (followUp < 1)
        {
            Error("followUpWorkingDays", "must be at least 1 (the 督办 period before a red card).");
        }

        var materials = ReadMaterials(dto.Materials, Error);
        var formFields = ReadFormFields(dto.FormFields, Error);
        var steps = ReadSteps(dto.Departments, directory, Error);
        var centre = ReadServiceCentre(dto.ServiceCentre, directory, Error);
        if (centre is not null && steps.Exists(s => s.DepartmentId == centre.DepartmentId))
        {
            // A case keeps one step per department (its row is keyed by the department): the acceptance step and a
            // review step of one department would be one row, and either's decision would overwrite the other's.
            Error("serviceCentre.departmentId", $"'{centre.DepartmentId}' accepts applications of this type and cannot also review them: a department has one step per case.");
        }

        // Critical-path rule. Departments review in parallel (并联审批), so summing their limits would
        // reject every realistic type; what the applicant waits for is the acceptance step followed by
        // the slowest department. We require service-centre limit + longest department limit ≤ the
        // promised limit: it keeps the promise true even when acceptance uses its whole window, and a
        // department whose own limit could not fit is caught here rather than as a 黄牌 in production.
        if (centre is not null && steps.Count > 0 && promised >= 1)
        {
            var slowest = steps.MaxBy(s => s.LimitWorkingDays)!;
            var path = centre.LimitWorkingDays + slowest.LimitWorkingDays;
            if (path > promised)
            {
                Error("departments", $"critical path {path} working days (service centre {centre.LimitWorkingDays} + {slowest.DepartmentId} {slowest.LimitWorkingDays}) exceeds the promised limit {promised}.");
            }
        }

        if (errors.Count > before)
        {
            return null;
        }

        return (source, new LicenceType(dto.Id!, dto.Name!, dto.Version!, dto.Code!, materials, steps, centre!, promised, legal, followUp, dto.Jurisdiction!) { FormFields = formFields });
    }

    private static List<MaterialRequirement> ReadMaterials(List<MaterialDto>? dtos, Action<string, string> error)
    {
        var result = new List<MaterialRequirement>();
        if (dtos is null || dtos.Count == 0)
        {
            error("materials", "must list at least one material.");
            return result;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < dtos.Count; i++)
        {
            var m = dtos[i];
            var field = $"materials[{i}]";
            if (m.Id is null || !CatalogueLoader.IdPattern().IsMatch(m.Id))
            {
                error($"{field}.id", $"'{m.Id}' must be lowercase letters, digits and dashes.");
            }
            else if (!ids.Add(m.Id))
            {
                error($"{field}.id", $"duplicate material id '{m.Id}'.");
            }

            if (string.IsNullOrWhiteSpace(m.Name))
            {
                error($"{field}.name", "is required.");
            }

            if (m.Required is null)
            {
                error($"{field}.required", "must be true or false.");
            }

            var types = m.AllowedContentTypes ?? [];
            if (types.Count == 0)
            {
                error($"{field}.allowedContentTypes", "must list at least one content type.");
            }

            foreach (var t in types.Where(t => !KnownContentTypes.Contains(t)))
            {
                error($"{field}.allowedContentTypes", $"'{t}' is not one of {string.Join(", ", KnownContentTypes)}.");
            }

            if (m.MaxBytes is not > 0 || m.MaxBytes > MaxMaterialBytes)
            {
                error($"{field}.maxBytes", $"{m.MaxBytes} must be between 1 and {MaxMaterialBytes}.");
            }

            result.Add(new MaterialRequirement(m.Id ?? "", m.Name ?? "", m.Required ?? false, types, m.MaxBytes ?? 0));
        }

        return result;
    }

    private static List<DepartmentStep> ReadSteps(List<DepartmentDto>? dtos, IReadOnlyDictionary<string, Department> directory, Action<string, string> error)
    {
        var result = new List<DepartmentStep>();
        if (dtos is null || dtos.Count == 0)
        {
            error("departments", "must list at least one reviewing department.");
            return result;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < dtos.Count; i++)
        {
            var s = dtos[i];
            var field = $"departments[{i}]";
            Department? department = null;
            if (s.DepartmentId is null || !directory.TryGetValue(s.DepartmentId, out department))
            {
                error($"{field}.departmentId", $"unknown department '{s.DepartmentId}' (not in the department directory).");
            }
            else if (!seen.Add(s.DepartmentId))
            {
                error($"{field}.departmentId", $"department '{s.DepartmentId}' is listed twice.");
            }

            DepartmentRole? role = s.Role?.Replace("-", "", StringComparison.Ordinal).ToUpperInvariant() switch
            {
                "LEAD" => DepartmentRole.Lead,
                "COHANDLING" => DepartmentRole.CoHandling,
                _ => null,
            };
            if (role is null)
            {
                error($"{field}.role", $"'{s.Role}' must be \"lead\" or \"co-handling\".");
            }

            if (s.LimitWorkingDays is not >= 1)
            {
                error($"{field}.limitWorkingDays", "must be at least 1.");
            }

            result.Add(new DepartmentStep(s.DepartmentId ?? "", department?.Name ?? "", role ?? DepartmentRole.CoHandling, s.LimitWorkingDays ?? 0));
        }

        var leads = result.Count(s => s.Role == DepartmentRole.Lead);
        if (leads != 1)
        {
            error("departments", $"exactly one department must be the lead (牵头部门); found {leads}.");
        }

        return result;
    }

    private static ServiceCentreStep? ReadServiceCentre(ServiceCentreDto? dto, IReadOnlyDictionary<string, Department> directory, Action<string, string> error)
    {
        if (dto is null)
        {
            error("serviceCentre", "is required.");
            return null;
        }

        var id = dto.DepartmentId ?? ServiceCentreStep.DefaultDepartmentId;
        if (!directory.ContainsKey(id))
        {
            error("serviceCentre.departmentId", $"unknown department '{id}' (not in the department directory).");
        }

        AcceptanceMode? mode = dto.Mode?.Replace("-", "", StringComparison.Ordinal).ToUpperInvariant() switch
        {
            "MANUAL" => AcceptanceMode.Manual,
            "AUTOACCEPT" => AcceptanceMode.AutoAccept,
            _ => null,
        };
        if (mode is null)
        {
            error("serviceCentre.mode", $"'{dto.Mode}' must be \"manual\" or \"auto-accept\".");
        }

        if (dto.LimitWorkingDays is not (>= 0 and <= MaxAcceptanceWorkingDays))
        {
            error("serviceCentre.limitWorkingDays", $"{dto.LimitWorkingDays} must be 0–{MaxAcceptanceWorkingDays} (行政许可法 Art. 32).");
        }

        return new ServiceCentreStep(id, mode ?? AcceptanceMode.Manual, dto.LimitWorkingDays ?? 0);
    }

    [GeneratedRegex(@"^\d+(\.\d+)*$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex("^[A-Z]{2,4}$")]
    private static partial Regex CodePattern();
}
