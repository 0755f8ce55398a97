using Approvals.Pipeline.Supervision;
using Approvals.Licensing.Clock;

namespace Approvals.Pipeline.Orchestrations;

/// <summary>A complaint as filed.</summary>
internal sealed record ComplaintFiled(string Id, string CaseId, string CaseNumber, string Text, DateTimeOffset At);

/// <summary>
/// The pipeline's one door to electronic supervision (电子监察, <see cref="SupervisionRecorder"/>): the hash-chained
/// timeline, alerts, statistics facts, the public register and complaints. Activities run at least once, so every
/// timeline entry carries a key derived from the activity's idempotency key: a re-run appends nothing new.
/// Every case event is also logged, in a scope carrying the case number (<c>CaseNumber</c>) and id, with the event type
/// and department only: actors' names, applicants' details and event details never reach the logs.
/// </summary>
internal sealed partial class CaseJournal(SupervisionRecorder recorder, ILogger<CaseJournal> logger)
{
    public Task AppendAsync(CaseInput c, string key, DateTimeOffset at, string type, string actor, string? departmentId,
        IReadOnlyDictionary<string, string?>? details, ClockSnapshot? clock, CancellationToken cancellationToken) =>
        AppendAllAsync([Entry(c.CaseId, c.CaseNumber, key, at, type, actor, departmentId, details, clock)], cancellationToken);

    public Task AppendAsync(string caseId, string caseNumber, string key, DateTimeOffset at, string type, string actor, string? departmentId,
        IReadOnlyDictionary<string, string?>? details, ClockSnapshot? clock, CancellationToken cancellationToken) =>
        AppendAllAsync([Entry(caseId, caseNumber, key, at, type, actor, departmentId, details, clock)], cancellationToken);

    /// <summary>An entry to append later with <see cref="AppendAllAsync"/>, together with others of the same case.</summary>
    public static TimelineAppend Entry(CaseInput c, string key, DateTimeOffset at, string type, string actor, string? departmentId,
        IReadOnlyDictionary<string, string?>? details, ClockSnapshot? clock) =>
        Entry(c.CaseId, c.CaseNumber, key, at, type, actor, departmentId, details, clock);

    private static TimelineAppend Entry(string caseId, string caseNumber, string key, DateTimeOffset at, string type, string actor, string? departmentId,
        IReadOnlyDictionary<string, string?>? details, ClockSnapshot? clock) =>
        new(caseId, caseNumber, key, at, type, actor, departmentId, details,
            clock is null ? null : new TimelineClock(clock.Status, clock.DueDate, clock.WorkingDaysUsed, clock.LimitWorkingDays, clock.PausedFor));

    /// <summary>Appends entries of one case in this order, in one transaction when they fit; each is logged like one appended alone.</summary>
    public async Task AppendAllAsync(IReadOnlyList<TimelineAppend> entries, CancellationToken cancellationToken)
    {
        await recorder.AppendAllAsync(entries, cancellationToken);
        foreach (var e in entries)
        {
            using (BeginCaseScope(e.CaseId, e.CaseNumber))
            {
                LogCaseEvent(logger, e.Type, e.DepartmentId, e.Clock?.Status);
            }
        }
    }

    public async Task RaiseAlertAsync(string caseId, string caseNumber, string licenceTypeId, string? departmentId, AlertLevel level, DateTimeOffset at, DateOnly? dueDate, CancellationToken cancellationToken)
    {
        await recorder.RaiseAlertAsync(new AlertRaised(caseId, caseNumber, licenceTypeId, departmentId, level, at, dueDate), cancellationToken);
        using (BeginCaseScope(caseId, caseNumber))
        {
            LogAlert(logger, level, departmentId, dueDate);
        }
    }

    private IDisposable? BeginCaseScope(string caseId, string caseNumber) =>
        logger.BeginScope(new Dictionary<string, object> { ["CaseNumber"] = caseNumber, ["CaseId"] = caseId });

    [LoggerMessage(Level = LogLevel.Information, Message = "Case event {EventType} (department {DepartmentId}, clock {ClockStatus})")]
    private static partial void LogCaseEvent(ILogger logger, string eventType, string? departmentId, string? clockStatus);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Level} raised (department {DepartmentId}, due {DueDate})")]
    private static partial void LogAlert(ILogger logger, AlertLevel level, string? departmentId, DateOnly? dueDate);

    public Task CloseAlertsAsync(string caseId, string? departmentId, DateTimeOffset at, CancellationToken cancellationToken) =>
        recorder.CloseAlertsAsync(caseId, departmentId, at, cancellationToken);

    public Task RecordReceivedAsync(string caseId, string caseNumber, string licenceTypeId, IReadOnlyList<string> departmentIds, DateTimeOffset at, CancellationToken cancellationToken) =>
        recorder.RecordReceivedAsync(new CaseReceived(caseId, caseNumber, licenceTypeId, departmentIds, at), cancellationToken);

    public Task RecordDecidedAsync(string caseId, string caseNumber, string licenceTypeId, string? departmentId, string outcome, DateTimeOffset decidedAt, int workingDaysUsed, bool onTime, CancellationToken cancellationToken) =>
        recorder.RecordDecidedAsync(new StepDecided(caseId, caseNumber, licenceTypeId, departmentId, outcome, decidedAt, workingDaysUsed, onTime), cancellationToken);

    /// <summary>Publishes the decision; the register masks the applicant's name when the applicant is a person.</summary>
    public Task PublishDecisionAsync(string caseId, string caseNumber, string licenceTypeId, string licenceTypeName, Cases.ApplicantDetails? applicant, string decision, DateTimeOffset decidedAt, string? licenceNumber, CancellationToken cancellationToken) =>
        recorder.PublishDecisionAsync(new RegisterEntry(caseId, caseNumber, licenceTypeId, licenceTypeName, applicant?.Name ?? "", decision, decidedAt, licenceNumber, Cases.ApplicantKinds.KindOf(applicant?.IdNumber)), cancellationToken);

    public async Task<ComplaintFiled?> AddComplaintAsync(string caseId, string caseNumber, string applicantSubject, string text, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var c = await recorder.AddComplaintAsync(new NewComplaint(caseId, caseNumber, applicantSubject, text, at), cancellationToken);
        return new ComplaintFiled(c.Id, c.CaseId, c.CaseNumber, c.Text, c.At);
    }
}
