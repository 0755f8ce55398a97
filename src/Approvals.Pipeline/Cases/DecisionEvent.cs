namespace Approvals.Pipeline.Cases;

/// <summary>
/// A department's (or the service centre's) decision, raised by the decision endpoint after it claimed the task, to
/// the case's instance (the step row's <c>InstanceId</c>, which is the case id).
/// Event name <c>Decision</c> (Orchestrations.EventNames). <see cref="Via"/> says how <see cref="Officer"/> is known:
/// <c>officer</c> — the subject of the deciding officer's token; <c>back-office</c> (or null, in events raised
/// before the field existed) — the name a signed back-office callback claims, which the platform cannot check.
/// </summary>
internal sealed record DecisionEvent(
    string TaskId,
    string DepartmentId,
    string Decision,
    IReadOnlyList<string> Reasons,
    string Officer,
    string? Comment,
    IReadOnlyList<string> RequiredMaterials,
    DateTimeOffset ReceivedAt,
    string? Via = null)
{
    public const string ViaOfficer = "officer";
    public const string ViaBackOffice = "back-office";

    /// <summary>The officer's name as the back office claims it; null when the officer is a token's subject.</summary>
    public string? ClaimedOfficer => Via == ViaOfficer ? null : Officer;
}
