using Approvals.Pipeline.Storage;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Departments;

/// <summary>
/// Department inboxes (partition = department id, row = case id): one row per case and department with the current
/// task. Written by activities; read by <c>GET /api/departments/{id}/tasks</c> as one partition query.
/// </summary>
internal sealed class InboxStore(PipelineStorage storage, TableBatchers batcher)
{
    public async Task UpsertAsync(string departmentId, string caseId, string caseNumber, string typeId, string typeName, string kind, string taskId, string status, DateOnly? dueDate, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var row = new TableEntity(departmentId, caseId)
        {
            ["TaskId"] = taskId,
            ["Status"] = status,
            ["CaseNumber"] = caseNumber,
            ["LicenceTypeId"] = typeId,
            ["LicenceTypeName"] = typeName,
            ["Kind"] = kind,
            ["DueDate"] = dueDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["ReceivedAt"] = receivedAt,
        };
        // A department's inbox is one partition shared by all its cases: concurrent upserts share a transaction.
        await batcher.UpsertProjectionAsync(storage.Tasks, [row], TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>Sets the status of the row if it still carries <paramref name="taskId"/> (a newer task is left alone).</summary>
    public Task SetStatusAsync(string departmentId, string caseId, string taskId, string status, CancellationToken cancellationToken) =>
        storage.Tasks.UpdateAsync<TableEntity>(departmentId, caseId, e =>
        {
            if (e.GetString("TaskId") != taskId || e.GetString("Status") == status)
            {
                return false;
            }

            e["Status"] = status;
            return true;
        }, cancellationToken);

    /// <summary>Sets the status without a read: for final states, after which the row never gets a newer task.</summary>
    public Task MergeStatusAsync(string departmentId, string caseId, string status, CancellationToken cancellationToken) =>
        batcher.UpsertProjectionAsync(storage.Tasks, [new TableEntity(departmentId, caseId) { ["Status"] = status }], TableUpdateMode.Merge, cancellationToken);

    /// <summary>
    /// Copies a task's assignment from its step row (the owner, see <see cref="TaskAssignments"/>) unless the row
    /// already has this or a later copy: copies made out of order never go back. Creates the row's assignment part
    /// when the task's inbox row is not written yet (the task's opening merges the rest).
    /// </summary>
    public async Task SetAssigneeAsync(string departmentId, string caseId, string? assignee, DateTimeOffset? assignedAt, int version, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var updated = await storage.Tasks.UpdateAsync<TableEntity>(departmentId, caseId, e =>
        {
            if ((e.GetInt32("AssignmentVersion") ?? 0) >= version)
            {
                return false;
            }

            (e["Assignee"], e["AssignedAt"], e["AssignmentVersion"]) = (assignee, assignedAt, version);
            return true;
        }, cancellationToken);
        if (updated is null)
        {
            await storage.Tasks.UpsertEntityAsync(
                new TableEntity(departmentId, caseId) { ["Assignee"] = assignee, ["AssignedAt"] = assignedAt, ["AssignmentVersion"] = version },
                TableUpdateMode.Merge, cancellationToken);
        }
    }

    /// <summary>The department's tasks, optionally of one stored status (one partition query); the caller filters and sorts further.</summary>
    public async Task<IReadOnlyList<InboxTask>> ListAsync(string departmentId, string? status, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var filter = $"PartitionKey eq {TableKeys.Literal(departmentId)}" + (status is null ? "" : $" and Status eq {TableKeys.Literal(status)}");
        var list = new List<InboxTask>();
        await foreach (var e in storage.Tasks.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (e.GetString("TaskId") is null)
            {
                continue; // an assignment copied before the task's opening wrote the row: not a task yet
            }

            list.Add(new InboxTask(
                e.GetString("TaskId"), e.RowKey, e.GetString("CaseNumber"), e.GetString("LicenceTypeId"), e.GetString("LicenceTypeName"),
                e.GetString("Kind"), e.GetString("Status"),
                DateOnly.TryParse(e.GetString("DueDate"), System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : null,
                e.GetDateTimeOffset("ReceivedAt") ?? default,
                $"/api/applications/{e.RowKey}/departments/{departmentId}/decision")
            {
                Assignee = e.GetString("Assignee") is { Length: > 0 } a ? a : null,
                AssignedAt = e.GetDateTimeOffset("AssignedAt"),
                FileUrl = CaseFileApi.FilePath(e.RowKey, departmentId),
            });
        }

        return list;
    }
}
