namespace Approvals.Pipeline.Supervision;

/// <summary>
/// The one door to electronic supervision (电子监察) for the pipeline. Called from activities, which run at least
/// once: every write is idempotent by its key (timeline: the idempotency key; alerts: case + department + level;
/// facts: case + department; register: the case). Supervision only observes: nothing here decides a case.
/// </summary>
internal sealed class SupervisionRecorder(TimelineStore timeline, AlertStore alerts, StatsStore stats, PublicRegister register, ComplaintStore complaints)
{
    /// <summary>Appends to the case's hash-chained timeline; the same idempotency key appends once and returns the first entry.</summary>
    public Task<TimelineEntry> AppendAsync(TimelineAppend entry, CancellationToken cancellationToken) =>
        timeline.AppendAsync(entry, cancellationToken);

    /// <summary>Appends several entries of one case in order, in one transaction when they fit (idempotent per key as above).</summary>
    public Task<IReadOnlyList<TimelineEntry>> AppendAllAsync(IReadOnlyList<TimelineAppend> entries, CancellationToken cancellationToken) =>
        timeline.AppendAllAsync(entries, cancellationToken);

    /// <summary>Opens an alert, or raises the step's open alert to this level (idempotent; the level never drops).</summary>
    public Task RaiseAlertAsync(AlertRaised alert, CancellationToken cancellationToken) =>
        alerts.RaiseAsync(alert, cancellationToken);

    /// <summary>Closes the step's open alert (<paramref name="departmentId"/> null = every open alert of the case).</summary>
    public Task CloseAlertsAsync(string caseId, string? departmentId, DateTimeOffset at, CancellationToken cancellationToken) =>
        alerts.CloseAsync(caseId, departmentId, at, cancellationToken);

    /// <summary>Records that a case was received (submitted), for the case and each of its department steps.</summary>
    public Task RecordReceivedAsync(CaseReceived fact, CancellationToken cancellationToken) =>
        stats.RecordReceivedAsync(fact, cancellationToken);

    /// <summary>Records a decision of a step (or, with a null department, of the whole case).</summary>
    public Task RecordDecidedAsync(StepDecided fact, CancellationToken cancellationToken) =>
        stats.RecordDecidedAsync(fact, cancellationToken);

    /// <summary>Publishes a decision on the public register with the applicant's name masked (once per case).</summary>
    public Task PublishDecisionAsync(RegisterEntry entry, CancellationToken cancellationToken) =>
        register.PublishAsync(entry, cancellationToken);

    /// <summary>Stores a complaint (投诉) and returns it with its id.</summary>
    public Task<Complaint> AddComplaintAsync(NewComplaint complaint, CancellationToken cancellationToken) =>
        complaints.AddAsync(complaint, cancellationToken);
}
