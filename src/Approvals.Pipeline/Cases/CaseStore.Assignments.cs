namespace Approvals.Pipeline.Cases;

/// <summary>What an officer does to a task as a work item.</summary>
internal enum AssignmentAction
{
    Claim,
    Release,
    Assign,
}

/// <summary>How an assignment request ended: the row as it is now, or why nothing changed.</summary>
internal abstract record AssignmentOutcome
{
    /// <summary>
    /// Done (or already so: a repeated request changes nothing and answers the same). <paramref name="Previous"/>: who
    /// held the task before this change, when it changed now.
    /// </summary>
    public sealed record Done(DepartmentRow Step, bool Changed, string? Previous = null) : AssignmentOutcome;

    public sealed record NoTask : AssignmentOutcome;

    /// <summary>The task is decided or cancelled: no work item any more.</summary>
    public sealed record Closed(string Status) : AssignmentOutcome;

    /// <summary>Another officer holds the task.</summary>
    public sealed record HeldByOther(string Assignee) : AssignmentOutcome;
}

/// <summary>Claim, release and assignment of a step's open task (the rules; Departments.TaskAssignments records them).</summary>
internal sealed partial class CaseStore
{
    /// <summary>
    /// Claims, releases or assigns the task under the step row's ETag: of two officers claiming at once one wins and
    /// the other, re-reading, finds the task held. Only the assignment fields change. The row as stored and the outcome
    /// of the last evaluation (the rules run again on every retry after an ETag conflict).
    /// </summary>
    public async Task<(DepartmentRow? Row, AssignmentOutcome? Outcome)> ChangeAssignmentAsync(string caseId, string departmentId, string officer, bool lead, AssignmentAction action, string? target, DateTimeOffset now, CancellationToken ct)
    {
        AssignmentOutcome? outcome = null;
        var row = await UpdateDepartmentAsync(caseId, departmentId, r =>
        {
            outcome = ApplyAssignment(r, officer, lead, action, target, now);
            return outcome is AssignmentOutcome.Done { Changed: true };
        }, ct);
        return (row, outcome);
    }

    /// <summary>
    /// The transition table; changes <paramref name="r"/> when the action is allowed and changes something. Any officer
    /// of the department claims a free task and dispatches it; only its holder releases or hands it over — or a
    /// department lead (<paramref name="lead"/>), who may release or reassign a task someone else holds.
    /// </summary>
    internal static AssignmentOutcome ApplyAssignment(DepartmentRow r, string officer, bool lead, AssignmentAction action, string? target, DateTimeOffset now)
    {
        if (r.Status is not (StepStatus.Pending or StepStatus.AwaitingSupplement))
        {
            return new AssignmentOutcome.Closed(r.Status);
        }

        var wanted = action == AssignmentAction.Release ? null : action == AssignmentAction.Claim ? officer : target;
        if (r.Assignee == wanted)
        {
            return new AssignmentOutcome.Done(r, false);
        }

        var allowed = action switch
        {
            AssignmentAction.Claim => r.Assignee is null,
            AssignmentAction.Release => r.Assignee == officer || lead,
            _ => r.Assignee is null || r.Assignee == officer || lead,
        };
        if (!allowed)
        {
            return new AssignmentOutcome.HeldByOther(r.Assignee ?? "");
        }

        var previous = r.Assignee;
        r.Assignee = wanted;
        r.AssignedAt = wanted is null ? null : now;
        r.AssignedBy = wanted is null ? null : officer;
        r.AssignmentVersion++;
        return new AssignmentOutcome.Done(r, true, previous);
    }
}
