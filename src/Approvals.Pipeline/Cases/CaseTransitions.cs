namespace Approvals.Pipeline.Cases;

/// <summary>
/// The one table of status moves a case and its steps may make. <see cref="CaseStore"/> — the only writer of case
/// partitions — checks every status it writes against it, inside the read-modify-write that commits under the row's
/// ETag: a move the table does not list is refused (nothing written), whoever asks. A status "moving" to itself is
/// not a move (a re-run of an activity finds its own effect) and is always allowed.
/// </summary>
internal static class CaseTransitions
{
    /// <summary>Case status → the statuses it may move to.</summary>
    private static readonly Dictionary<string, string[]> Case = new(StringComparer.Ordinal)
    {
        // A draft is submitted or given up; nothing else happens to it.
        [CaseStatus.Draft] = [CaseStatus.Submitted, CaseStatus.Withdrawn],
        // At the service centre: accepted (manually, automatically, deemed), refused (不予受理), 一次性告知, withdrawn.
        [CaseStatus.Submitted] = [CaseStatus.Accepted, CaseStatus.NotAccepted, CaseStatus.AwaitingSupplement, CaseStatus.Withdrawn],
        // Back to the centre (Submitted) or into review (InReview) once everything asked for arrived.
        [CaseStatus.AwaitingSupplement] = [CaseStatus.Submitted, CaseStatus.InReview, CaseStatus.Withdrawn],
        [CaseStatus.Accepted] = [CaseStatus.InReview, CaseStatus.AwaitingSupplement, CaseStatus.Approved, CaseStatus.Rejected, CaseStatus.Withdrawn],
        [CaseStatus.InReview] = [CaseStatus.AwaitingSupplement, CaseStatus.Approved, CaseStatus.Rejected, CaseStatus.Withdrawn],
        // 制证: the only move after a decision.
        [CaseStatus.Approved] = [CaseStatus.Issued],
        [CaseStatus.Rejected] = [],
        [CaseStatus.NotAccepted] = [],
        [CaseStatus.Issued] = [],
        [CaseStatus.Withdrawn] = [],
    };

    /// <summary>Step status → the statuses it may move to (the service centre's acceptance step included).</summary>
    private static readonly Dictionary<string, string[]> Step = new(StringComparer.Ordinal)
    {
        [StepStatus.NotStarted] = [StepStatus.Pending],
        // An open task: decided by its department, paused by a supplement request, closed by a withdrawal or Art. 32.
        [StepStatus.Pending] = [StepStatus.Approved, StepStatus.Rejected, StepStatus.Accepted, StepStatus.NotAccepted, StepStatus.AwaitingSupplement, StepStatus.Cancelled, StepStatus.DeemedAccepted],
        // Every requested material arrived (a new task, Pending again) or the case was withdrawn meanwhile.
        [StepStatus.AwaitingSupplement] = [StepStatus.Pending, StepStatus.Cancelled],
        [StepStatus.Approved] = [],
        [StepStatus.Rejected] = [],
        [StepStatus.Accepted] = [],
        [StepStatus.NotAccepted] = [],
        [StepStatus.DeemedAccepted] = [],
        [StepStatus.Cancelled] = [],
    };

    public static bool CaseMay(string from, string to) => from == to || (Case.TryGetValue(from, out var next) && next.Contains(to, StringComparer.Ordinal));

    public static bool StepMay(string from, string to) => from == to || (Step.TryGetValue(from, out var next) && next.Contains(to, StringComparer.Ordinal));

    /// <summary>Every case status the table knows (a status filter naming another is refused).</summary>
    public static IReadOnlyList<string> CaseStatuses { get; } = [.. Case.Keys];

    /// <summary>Every step status the table knows.</summary>
    public static IReadOnlyCollection<string> StepStatuses => Step.Keys;
}
