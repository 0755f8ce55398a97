namespace Approvals.Pipeline.Departments;

/// <summary>Body of the decision callback.</summary>
internal sealed record DecisionRequest(string? TaskId, string? Decision, IReadOnlyList<string>? Reasons, string? Officer, string? Comment, IReadOnlyList<string>? RequiredMaterials);

/// <summary>202 answer of the decision callback.</summary>
internal sealed record DecisionAccepted(string CaseId, string DepartmentId, string TaskId, string Decision, string Status);

/// <summary>One task in a department's inbox, with who holds it and whether it is overdue.</summary>
internal sealed record InboxTask(
    string TaskId,
    string CaseId,
    string CaseNumber,
    string LicenceTypeId,
    string LicenceTypeName,
    string Kind,
    string Status,
    DateOnly? DueDate,
    DateTimeOffset ReceivedAt,
    string DecisionUrl)
{
    /// <summary>The officer (token subject) holding the task, or null.</summary>
    public string? Assignee { get; init; }

    public DateTimeOffset? AssignedAt { get; init; }

    /// <summary>Open and past its due date (in the jurisdiction's time zone) when the inbox was read.</summary>
    public bool Overdue { get; init; }

    /// <summary>The department's case file (officer token).</summary>
    public string? FileUrl { get; init; }
}

/// <summary>
/// The outgoing notification a department with a webhook URL receives when a task opens (<c>task.created</c>) or comes
/// back under a new task id after the applicant supplied what it asked for (<c>task.resumed</c>, with
/// <c>PreviousTaskId</c>). <c>CaseFileUrl</c> is a signed link to the department's case file
/// (<see cref="CaseFileLinks"/>): it names this case and department only, and expires at <c>CaseFileUrlExpiresAt</c>.
/// </summary>
internal sealed record TaskNotification(string Type, string CaseId, string CaseNumber, string DepartmentId, string TaskId, string LicenceTypeId, DateOnly? DueDate, string DecisionUrl, string? CaseFileUrl = null, DateTimeOffset? CaseFileUrlExpiresAt = null, string? PreviousTaskId = null)
{
    public const string Created = "task.created";
    public const string Resumed = "task.resumed";
}
