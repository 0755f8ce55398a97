using System.Globalization;
using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Orchestrations;

namespace Approvals.Pipeline.Departments;

/// <summary>
/// Claim, release and assignment of a department's task (Camunda Tasklist's claim/unclaim/assign; BOPS's assessor).
/// The department step row is the one owner of the assignment: each change is a read-modify-write under the row's
/// ETag (<see cref="CaseStore.ChangeAssignmentAsync"/>), so of two officers claiming at once one wins and the other,
/// re-reading, finds the task held and gets 409. The rules, in one place (<see cref="CaseStore.ApplyAssignment"/>):
/// <list type="bullet">
/// <item>an open task (pending or awaiting a supplement) can be claimed when nobody holds it;</item>
/// <item>only its holder releases it;</item>
/// <item>it is assigned to a named officer of the department by its holder (handing it over) or, when nobody holds
/// it, by any officer of the department (dispatching);</item>
/// <item>the department's lead (<see cref="Identity.IdentityExtensions.LeadDepartmentClaim"/>) may also release or
/// reassign a task another officer holds (its holder is away); the timeline entry names the officer it was taken from.</item>
/// </list>
/// After the row, the change is appended to the timeline under a key made of the department and the row's
/// <see cref="DepartmentRow.AssignmentVersion"/>, then copied to the inbox row. A retried request finds its change
/// made and appends and copies again under the same version: the timeline keeps one entry per change (the key),
/// the inbox ignores a copy older than the one it has, and a change whose first request failed after the row write
/// is recorded by the retry.
/// </summary>
internal sealed class TaskAssignments(CaseStore store, InboxStore inbox, CaseJournal journal, TimeProvider time)
{
    public const int MaxSubjectLength = 100;

    public async Task<AssignmentOutcome> ChangeAsync(string caseId, string departmentId, string officer, bool lead, AssignmentAction action, string? target, CancellationToken cancellationToken)
    {
        if (!CaseStore.IsValidCaseId(caseId))
        {
            return new AssignmentOutcome.NoTask();
        }

        var now = time.GetUtcNow();
        var (row, outcome) = await store.ChangeAssignmentAsync(caseId, departmentId, officer, lead, action, target, now, cancellationToken);
        if (row is null || outcome is null)
        {
            return new AssignmentOutcome.NoTask();
        }

        if (outcome is AssignmentOutcome.Done done && WantedBy(row, officer, action, target))
        {
            await RecordAsync(row, action, officer, done.Previous, cancellationToken);
            return done with { Step = row };
        }

        return outcome;
    }

    private static bool WantedBy(DepartmentRow row, string officer, AssignmentAction action, string? target) =>
        row.Assignee == (action == AssignmentAction.Release ? null : action == AssignmentAction.Claim ? officer : target);

    /// <summary>
    /// Records a change on the timeline and the inbox; <c>previous</c> is who held the task before, when this request
    /// changed it (a retry that finds its change made does not know, and its entry already exists under the key).
    /// </summary>
    private async Task RecordAsync(DepartmentRow row, AssignmentAction action, string officer, string? previous, CancellationToken cancellationToken)
    {
        if (row.AssignmentVersion == 0)
        {
            return; // never assigned: a release of a free task changed nothing and records nothing
        }

        var version = row.AssignmentVersion.ToString(CultureInfo.InvariantCulture);
        var type = row.Assignee is null ? "TaskReleased" : row.AssignedBy == row.Assignee ? "TaskClaimed" : "TaskAssigned";
        var number = (await store.GetCaseAsync(row.PartitionKey, cancellationToken))?.Number ?? "";
        await journal.AppendAsync(row.PartitionKey, number, $"assignment:{row.DepartmentId}:{version}", row.AssignedAt ?? time.GetUtcNow(), type,
            DepartmentCaller.OfficerActor(row.DepartmentId, row.AssignedBy ?? officer), row.DepartmentId,
            new Dictionary<string, string?> { ["assignee"] = row.Assignee, ["previousAssignee"] = previous, ["taskId"] = row.TaskId, ["assignmentVersion"] = version, ["action"] = action.ToString().ToLowerInvariant() },
            null, cancellationToken);
        await inbox.SetAssigneeAsync(row.DepartmentId, row.PartitionKey, row.Assignee, row.AssignedAt, row.AssignmentVersion, cancellationToken);
    }
}
