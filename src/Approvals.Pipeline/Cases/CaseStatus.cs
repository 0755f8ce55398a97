namespace Approvals.Pipeline.Cases;

/// <summary>Case status values of the HTTP contract (docs/pipeline.md), stored as their names.</summary>
internal static class CaseStatus
{
    public const string Draft = "Draft";
    public const string Submitted = "Submitted";
    public const string AwaitingSupplement = "AwaitingSupplement";
    public const string Accepted = "Accepted";
    public const string NotAccepted = "NotAccepted";
    public const string InReview = "InReview";
    public const string Approved = "Approved";
    public const string Rejected = "Rejected";
    public const string Issued = "Issued";
    public const string Withdrawn = "Withdrawn";

    /// <summary>True once nothing can change the outcome any more.</summary>
    public static bool IsFinal(string status) => status is NotAccepted or Approved or Rejected or Issued or Withdrawn;
}

/// <summary>Status of one department step (and of the service centre's acceptance step).</summary>
internal static class StepStatus
{
    public const string NotStarted = "NotStarted";
    public const string Pending = "Pending";
    public const string AwaitingSupplement = "AwaitingSupplement";
    public const string Approved = "Approved";
    public const string Rejected = "Rejected";
    public const string Accepted = "Accepted";
    public const string NotAccepted = "NotAccepted";
    public const string DeemedAccepted = "DeemedAccepted";
    public const string Cancelled = "Cancelled";

    /// <summary>Only a pending task can take a decision; anything else answers 409.</summary>
    public static bool IsOpen(string status) => status == Pending;

    public static bool IsDecided(string status) => status is Approved or Rejected or Accepted or NotAccepted or DeemedAccepted or Cancelled;
}

/// <summary>Decision values of the callback body.</summary>
internal static class Decisions
{
    public const string Approve = "approve";
    public const string Reject = "reject";
    public const string RequestSupplement = "request-supplement";
    public const string Accept = "accept";
    public const string NotAccept = "not-accept";

    /// <summary>The step status a decision moves its task to — the one mapping, used by the callback's claim and the activities.</summary>
    public static string StepStatusAfter(string decision) => decision switch
    {
        Approve => StepStatus.Approved,
        Reject => StepStatus.Rejected,
        Accept => StepStatus.Accepted,
        NotAccept => StepStatus.NotAccepted,
        RequestSupplement => StepStatus.AwaitingSupplement,
        _ => throw new ArgumentOutOfRangeException(nameof(decision), decision, "Not a decision."),
    };
}
