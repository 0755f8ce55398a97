namespace Approvals.Pipeline.Departments;

/// <summary>Body of the decision callback.</summary>
internal sealed record DecisionRequest(string? TaskId, string? Decision, IReadOnlyList<string>? Reasons, string? Officer, string? Comment, IReadOnlyList<string>? RequiredMaterials);

/// <summary>202 answer of the decision callback.</summary>
internal sealed record DecisionAccepted(string CaseId, string DepartmentId, string TaskId, string Decision, string Status);

/// <summary>One open task in a department's inbox.</summary>
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
    string DecisionUrl);

/// <summary>The outgoing notification a department with a webhook URL receives when a task opens.</summary>
internal sealed record TaskNotification(string Type, string CaseId, string CaseNumber, string DepartmentId, string TaskId, string LicenceTypeId, DateOnly? DueDate, string DecisionUrl);
