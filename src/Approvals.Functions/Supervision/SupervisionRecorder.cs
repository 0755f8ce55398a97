namespace Approvals.Functions.Supervision;

/// <summary>
/// The one door to electronic supervision (电子监察). Called from activities, which run at least once:
/// every write is idempotent by its key.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "First version of the contract; storage follows.")]
internal sealed class SupervisionRecorder
{
    /// <summary>Appends to the case's hash-chained timeline; the same idempotency key appends once.</summary>
    public Task<TimelineEntry> AppendAsync(TimelineAppend entry, CancellationToken cancellationToken) =>
        Task.FromResult(new TimelineEntry(0, entry.At, entry.Type, entry.Actor, entry.DepartmentId,
            entry.Details ?? new Dictionary<string, string?>(), entry.Clock, string.Empty, string.Empty));

    /// <summary>Opens an alert (idempotent per case + department + level).</summary>
    public Task RaiseAlertAsync(AlertRaised alert, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Closes every open alert of the case step (<paramref name="departmentId"/> null = every alert of the case).</summary>
    public Task CloseAlertsAsync(string caseId, string? departmentId, DateTimeOffset at, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Records the received fact for statistics.</summary>
    public Task RecordReceivedAsync(CaseReceived fact, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Records the decided fact for statistics.</summary>
    public Task RecordDecidedAsync(StepDecided fact, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Publishes a decision on the public register with personal data masked (idempotent per case).</summary>
    public Task PublishDecisionAsync(RegisterEntry entry, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stores a complaint.</summary>
    public Task<Complaint> AddComplaintAsync(NewComplaint complaint, CancellationToken cancellationToken) =>
        Task.FromResult(new Complaint(Guid.NewGuid().ToString("N"), complaint.CaseId, complaint.CaseNumber, complaint.Text, complaint.At));
}
