using System.Text.Json;
using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Supervision;
using Approvals.Licensing.Catalogue;

namespace Approvals.Pipeline.Departments;

/// <summary>The case file as one department reads it (<c>GET /api/applications/{id}/departments/{departmentId}/file</c>).</summary>
internal sealed record CaseFile(
    string CaseId,
    string Number,
    string Status,
    LicenceTypeRef LicenceType,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset? AcceptedAt,
    DateOnly? DueDate,
    ClockView Clock,
    CaseFileTask Task,
    CaseFileApplicant Applicant,
    JsonElement Form,
    IReadOnlyList<CaseFileMaterial> Materials,
    IReadOnlyList<StepView> Steps,
    IReadOnlyList<SupplementRound> Supplements,
    string AccessedAs);

/// <summary>This department's task on the case: its current task id (to decide with), status, due date and who holds it.</summary>
internal sealed record CaseFileTask(string DepartmentId, string Name, string Role, string TaskId, string Status, DateOnly? DueDate, string? Assignee, DateTimeOffset? AssignedAt, string DecisionUrl);

/// <summary>
/// The applicant as this department needs them: the service centre (受理) and the lead department (牵头) verify
/// identity and see the ID number and phone in full; co-handling departments (协办) see them masked.
/// </summary>
internal sealed record CaseFileApplicant(string Name, string IdNumber, string Phone, string? Email, bool Masked);

/// <summary>A checklist material with every uploaded version (oldest first).</summary>
internal sealed record CaseFileMaterial(string MaterialId, string? Name, bool Required, IReadOnlyList<CaseFileMaterialVersion> Versions);

internal sealed record CaseFileMaterialVersion(int Version, string FileName, string ContentType, long Size, string Sha256, DateTimeOffset UploadedAt, string Href);

/// <summary>One supplement round (补正) from the timeline: who asked for what, and when the applicant provided it.</summary>
internal sealed record SupplementRound(string? DepartmentId, DateTimeOffset RequestedAt, IReadOnlyList<string> RequiredMaterials, string? Comment, string Actor, DateTimeOffset? ProvidedAt);

internal static class CaseFiles
{
    /// <summary>Builds the department's case file; a signed link's query (<see cref="DepartmentCaller.LinkQuery"/>) is appended to material links.</summary>
    public static CaseFile Build(CaseSnapshot snapshot, DepartmentRow step, LicenceType type, CaseClocks clocks, VerifiedTimeline? timeline, DepartmentCaller caller, DateTimeOffset now)
    {
        var view = CaseViews.Build(snapshot, clocks, now);
        var row = snapshot.Case;
        var stepView = view.Acceptance is { } a && a.Id == step.DepartmentId ? a : view.Departments.First(d => d.Id == step.DepartmentId);
        var full = step.DepartmentId == type.ServiceCentre.DepartmentId || step.DepartmentId == type.Lead.DepartmentId;
        var applicant = Storage.StoredJson.Read<ApplicantDetails>(row.ApplicantJson) ?? new ApplicantDetails("", "", "", null);
        var suffix = caller.LinkQuery is { } q ? "?" + q : "";
        var materials = type.Materials
            .Select(m => new CaseFileMaterial(m.Id, m.Name, m.Required, snapshot.Materials
                .Where(v => v.MaterialId == m.Id)
                .OrderBy(v => v.Version)
                .Select(v => new CaseFileMaterialVersion(v.Version, v.FileName, v.ContentType, v.Size, v.Sha256, v.UploadedAt,
                    CaseFileApi.MaterialPath(row.PartitionKey, step.DepartmentId, v.MaterialId, v.Version) + suffix))
                .ToList()))
            .ToList();
        using var form = JsonDocument.Parse(string.IsNullOrWhiteSpace(row.FormJson) ? "{}" : row.FormJson);
        return new CaseFile(
            row.PartitionKey, row.Number, row.Status, view.LicenceType, row.SubmittedAt, row.AcceptedAt, view.DueDate, view.Clock,
            new CaseFileTask(step.DepartmentId, step.Name, stepView.Role, step.TaskId, step.Status, stepView.DueDate, step.Assignee, step.AssignedAt,
                $"/api/applications/{row.PartitionKey}/departments/{step.DepartmentId}/decision"),
            full
                ? new CaseFileApplicant(applicant.Name, applicant.IdNumber, applicant.Phone, applicant.Email, false)
                : new CaseFileApplicant(applicant.Name, Mask(applicant.IdNumber, 4, 2), Mask(applicant.Phone, 3, 4), applicant.Email is { } e ? MaskEmail(e) : null, true),
            form.RootElement.Clone(),
            materials,
            [.. view.Acceptance is { } acc ? [acc] : Array.Empty<StepView>(), .. view.Departments],
            Supplements(timeline),
            caller.Actor);
    }

    /// <summary>Supplement rounds in order: each request, closed by the next <c>SupplementProvided</c> of its department.</summary>
    private static List<SupplementRound> Supplements(VerifiedTimeline? timeline)
    {
        var rounds = new List<SupplementRound>();
        foreach (var e in timeline?.Entries ?? [])
        {
            if (e.Type == "SupplementRequested")
            {
                var required = (e.Details.GetValueOrDefault("requiredMaterials") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
                rounds.Add(new SupplementRound(e.DepartmentId, e.At, required, e.Details.GetValueOrDefault("comment"), e.Actor, null));
            }
            else if (e.Type == "SupplementProvided" && rounds.FindLastIndex(r => r.DepartmentId == e.DepartmentId && r.ProvidedAt is null) is var i and >= 0)
            {
                rounds[i] = rounds[i] with { ProvidedAt = e.At };
            }
        }

        return rounds;
    }

    internal static string Mask(string value, int keepStart, int keepEnd) =>
        value.Length <= keepStart + keepEnd ? new string('*', value.Length) : value[..keepStart] + new string('*', value.Length - keepStart - keepEnd) + value[^keepEnd..];

    private static string MaskEmail(string email) =>
        email.IndexOf('@', StringComparison.Ordinal) is var at and > 0 ? email[..1] + "***" + email[at..] : "***";
}
