namespace Approvals.Pipeline.Cases;

/// <summary>
/// A department's (or the service centre's) decision, raised by the callback endpoint after it claimed the task.
/// Event name <c>Decision</c> (Orchestrations.EventNames).
/// </summary>
internal sealed record DecisionEvent(
    string TaskId,
    string DepartmentId,
    string Decision,
    IReadOnlyList<string> Reasons,
    string Officer,
    string? Comment,
    IReadOnlyList<string> RequiredMaterials,
    DateTimeOffset ReceivedAt);
