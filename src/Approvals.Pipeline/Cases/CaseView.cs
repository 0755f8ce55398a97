using Approvals.Licensing.Catalogue;
using Approvals.Licensing.Clock;

namespace Approvals.Pipeline.Cases;

/// <summary>The whole state of a case in one document (<c>GET /api/applications/{id}</c>).</summary>
internal sealed record CaseView(
    string Id,
    string Number,
    string Status,
    LicenceTypeRef LicenceType,
    string? CalendarVersion,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset? AcceptedAt,
    bool DeemedAccepted,
    DateTimeOffset? DecidedAt,
    DateTimeOffset? WithdrawnAt,
    DateTimeOffset? WithdrawalRequestedAt,
    DateOnly? DueDate,
    ClockView Clock,
    StepView? Acceptance,
    IReadOnlyList<StepView> Departments,
    IReadOnlyList<SupplementView> SupplementRequests,
    IReadOnlyList<MaterialView> Materials,
    IReadOnlyList<ReasonDto> Reasons,
    LicenceRef? Licence);

internal sealed record LicenceTypeRef(string Id, string Name, string Version);

/// <summary>A clock as the applicant sees it: working days used of the limit, and why it is paused.</summary>
internal sealed record ClockView(
    string Status,
    DateOnly? StartDate,
    DateOnly? DueDate,
    int WorkingDaysUsed,
    int LimitWorkingDays,
    int WorkingDaysLeft,
    bool Paused,
    string? PausedFor,
    string? PauseLegalBasis,
    IReadOnlyList<string> PausedBy,
    string Alert,
    DateTimeOffset? DeemedAcceptedAt)
{
    public static ClockView From(ClockState s, IReadOnlyList<string>? pausedBy = null) => new(
        s.Status.ToString(), s.StartDate, s.DueDate, s.WorkingDaysUsed, s.LimitWorkingDays, s.WorkingDaysLeft,
        s.Status == ClockStatus.Paused, s.PausedFor?.ToString(), s.PauseLegalBasis, pausedBy ?? [], s.Alert.ToString(), s.DeemedAcceptedAt);
}

/// <summary>One step; <c>AlertRaised</c> is the highest alert the orchestration raised for it (电子监察).</summary>
internal sealed record StepView(
    string Id,
    string Name,
    string Role,
    string Status,
    DateOnly? DueDate,
    string? Decision,
    IReadOnlyList<string> Reasons,
    DateTimeOffset? DecidedAt,
    string? Officer,
    DateTimeOffset? ReceivedAt,
    ClockView? Clock,
    SupplementView? Supplement,
    string AlertRaised,
    string? WebhookFailure);

internal sealed record SupplementView(string DepartmentId, IReadOnlyList<string> RequiredMaterials, IReadOnlyList<string> ProvidedMaterials, DateTimeOffset? RequestedAt);

internal sealed record MaterialView(string MaterialId, string? Name, string FileName, string ContentType, long Size, string Sha256, int Version, DateTimeOffset UploadedAt);

internal sealed record LicenceRef(string LicenceNumber, string Href, string PdfHref, string VerifyHref);

/// <summary>Builds <see cref="CaseView"/> from a <see cref="CaseSnapshot"/>, evaluating the stored clock events now.</summary>
internal static class CaseViews
{
    public static CaseView Build(CaseSnapshot snapshot, CaseClocks clocks, DateTimeOffset now)
    {
        var row = snapshot.Case;
        var type = clocks.Type(row.LicenceTypeId, row.LicenceTypeVersion);
        var calendar = clocks.Calendar(row.Jurisdiction, row.CalendarVersion);
        var caseEvents = Storage.StoredJson.Read<List<ClockEventDto>>(row.ClockJson) ?? [];
        var pausedBy = Storage.StoredJson.Read<List<string>>(row.PausedByJson) ?? [];
        var caseClock = ClockView.From(CaseClocks.Evaluate(caseEvents, calendar, CaseClocks.CaseRules(type), now), pausedBy);

        StepView? acceptance = null;
        var scRow = snapshot.Department(type.ServiceCentre.DepartmentId);
        if (scRow is not null)
        {
            acceptance = Step(scRow, calendar, new ClockRules(type.ServiceCentre.LimitWorkingDays), now, "ServiceCentre");
        }

        var steps = type.Departments.Select(d => snapshot.Department(d.DepartmentId) is { } r
                ? Step(r, calendar, ClockRules.ForStep(type, d), now, d.Role.ToString())
                : new StepView(d.DepartmentId, d.Name, d.Role.ToString(), StepStatus.NotStarted, null, null, [], null, null, null, null, null, nameof(AlertLevel.None), null))
            .ToList();
        var supplements = steps.Select(s => s.Supplement).Concat([acceptance?.Supplement]).OfType<SupplementView>().ToList();
        var materials = snapshot.LatestMaterials()
            .OrderBy(m => m.MaterialId, StringComparer.Ordinal)
            .Select(m => new MaterialView(m.MaterialId, type.FindMaterial(m.MaterialId)?.Name, m.FileName, m.ContentType, m.Size, m.Sha256, m.Version, m.UploadedAt))
            .ToList();
        var licence = row.LicenceNumber is { } n
            ? new LicenceRef(n, $"/api/applications/{row.PartitionKey}/licence", $"/api/applications/{row.PartitionKey}/licence.pdf", $"/api/public/licences/{n}")
            : null;
        return new CaseView(
            row.PartitionKey, row.Number, row.Status, new LicenceTypeRef(type.Id, type.Name, type.Version), row.CalendarVersion,
            row.CreatedAt, row.SubmittedAt, row.AcceptedAt, row.DeemedAccepted, row.DecidedAt, row.WithdrawnAt, row.WithdrawalRequestedAt,
            caseClock.DueDate, caseClock, acceptance, steps, supplements, materials,
            Storage.StoredJson.Read<List<ReasonDto>>(row.ReasonsJson) ?? [], licence);
    }

    private static StepView Step(DepartmentRow r, Licensing.Calendar.WorkingCalendar calendar, ClockRules rules, DateTimeOffset now, string role)
    {
        var events = Storage.StoredJson.Read<List<ClockEventDto>>(r.ClockJson) ?? [];
        var clock = events.Count == 0 ? null : ClockView.From(CaseClocks.Evaluate(events, calendar, rules with { LimitWorkingDays = r.LimitWorkingDays > 0 ? r.LimitWorkingDays : rules.LimitWorkingDays }, now));
        var required = Storage.StoredJson.Read<List<string>>(r.RequiredMaterialsJson) ?? [];
        var supplement = r.Status == StepStatus.AwaitingSupplement && required.Count > 0
            ? new SupplementView(r.DepartmentId, required, Storage.StoredJson.Read<List<string>>(r.ProvidedMaterialsJson) ?? [], r.SupplementRequestedAt)
            : null;
        return new StepView(r.DepartmentId, r.Name, role, r.Status, clock?.DueDate, r.Decision,
            Storage.StoredJson.Read<List<string>>(r.ReasonsJson) ?? [], r.DecidedAt, r.Officer, r.ReceivedAt, clock, supplement,
            ((AlertLevel)r.AlertLevel).ToString(), r.WebhookFailure);
    }
}
