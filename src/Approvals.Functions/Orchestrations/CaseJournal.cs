using Approvals.Functions.Supervision;

namespace Approvals.Functions.Orchestrations;

/// <summary>
/// Writes a case's events to the supervision timeline. Activities run at least once, so every entry carries a key
/// derived from the activity's idempotency key: a re-run appends nothing new.
/// </summary>
internal sealed class CaseJournal(SupervisionRecorder recorder)
{
    public SupervisionRecorder Recorder => recorder;

    public Task AppendAsync(CaseInput c, string key, DateTimeOffset at, string type, string actor, string? departmentId,
        IReadOnlyDictionary<string, string?>? details, ClockSnapshot? clock, CancellationToken cancellationToken) =>
        recorder.AppendAsync(new TimelineAppend(c.CaseId, c.CaseNumber, key, at, type, actor, departmentId, details,
            clock is null ? null : new TimelineClock(clock.Status, clock.DueDate, clock.WorkingDaysUsed, clock.LimitWorkingDays, clock.PausedFor)), cancellationToken);
}
