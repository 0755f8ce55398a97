using Approvals.Licensing.Clock;

namespace Approvals.Functions.Orchestrations;

/// <summary>A complaint as filed.</summary>
internal sealed record ComplaintFiled(string Id, string CaseId, string CaseNumber, string Text, DateTimeOffset At);

/// <summary>
/// The pipeline's one door to electronic supervision (电子监察): the hash-chained timeline, alerts, statistics facts,
/// the public register and complaints. Activities run at least once, so every timeline entry carries a key derived
/// from the activity's idempotency key: a re-run appends nothing new.
/// </summary>
/// <remarks>
/// The supervision recorder (src/Approvals.Functions/Supervision, another helper's area) is not in main yet: until it
/// is, these calls record nothing and complaints are refused with 503. Wiring it is this class alone.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Instance methods: they call the supervision recorder once it is wired.")]
internal sealed class CaseJournal
{
    public Task AppendAsync(CaseInput c, string key, DateTimeOffset at, string type, string actor, string? departmentId,
        IReadOnlyDictionary<string, string?>? details, ClockSnapshot? clock, CancellationToken cancellationToken) =>
        AppendAsync(c.CaseId, c.CaseNumber, key, at, type, actor, departmentId, details, clock, cancellationToken);

    public Task AppendAsync(string caseId, string caseNumber, string key, DateTimeOffset at, string type, string actor, string? departmentId,
        IReadOnlyDictionary<string, string?>? details, ClockSnapshot? clock, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RaiseAlertAsync(string caseId, string caseNumber, string licenceTypeId, string? departmentId, AlertLevel level, DateTimeOffset at, DateOnly? dueDate, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public Task CloseAlertsAsync(string caseId, string? departmentId, DateTimeOffset at, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RecordReceivedAsync(string caseId, string caseNumber, string licenceTypeId, IReadOnlyList<string> departmentIds, DateTimeOffset at, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public Task RecordDecidedAsync(string caseId, string caseNumber, string licenceTypeId, string? departmentId, string outcome, DateTimeOffset decidedAt, int workingDaysUsed, bool onTime, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public Task PublishDecisionAsync(string caseId, string caseNumber, string licenceTypeId, string licenceTypeName, string applicantName, string decision, DateTimeOffset decidedAt, string? licenceNumber, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public Task<ComplaintFiled?> AddComplaintAsync(string caseId, string caseNumber, string applicantSubject, string text, DateTimeOffset at, CancellationToken cancellationToken) =>
        Task.FromResult<ComplaintFiled?>(null);
}
