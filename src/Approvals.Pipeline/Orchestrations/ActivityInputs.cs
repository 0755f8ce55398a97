using Approvals.Pipeline.Cases;
using Approvals.Licensing.Clock;

namespace Approvals.Pipeline.Orchestrations;

// InstanceId: where the step's events (decisions, supplements) go — the case's instance, stored on the step row.
internal sealed record OpenTaskInput(CaseInput Case, string DepartmentId, string TaskId, string InstanceId, DateTimeOffset At, IReadOnlyList<ClockEventDto> Clock, bool IsServiceCentre);

internal sealed record CancelTaskInput(CaseInput Case, string DepartmentId, string TaskId, string Status = StepStatus.Cancelled);

// AlertsOpen: the step raised an alert that the decision closes (false saves the supervision store a query).
internal sealed record RecordDecisionInput(CaseInput Case, string DepartmentId, DecisionEvent Decision, IReadOnlyList<ClockEventDto> Clock, bool IsServiceCentre, bool AlertsOpen = true);

internal sealed record PauseInput(CaseInput Case, string DepartmentId, DecisionEvent Request, IReadOnlyList<ClockEventDto> Clock, bool IsServiceCentre);

internal sealed record ResumeInput(CaseInput Case, string DepartmentId, string PreviousTaskId, string TaskId, IReadOnlyList<ClockEventDto> Clock);

internal sealed record StepAlertInput(CaseInput Case, string DepartmentId, string TaskId, AlertLevel Level, ClockSnapshot Clock, DateTimeOffset At);

// PreviousTaskId: set when the task resumes after a supplement (the notification then says task.resumed).
internal sealed record NotifyInput(CaseInput Case, string DepartmentId, string TaskId, DateOnly? DueDate, string? PreviousTaskId = null);

/// <summary>What opening a task found: the due date shown, and whether a webhook still has to be delivered (with retries).</summary>
internal sealed record OpenTaskResult(DateOnly? DueDate, bool WebhookPending);

internal sealed record WebhookFailureInput(CaseInput Case, string DepartmentId, string TaskId, string Error);

// Begin: also record the submission (automatic acceptance: one activity instead of two).
internal sealed record AcceptInput(CaseInput Case, DateTimeOffset At, bool Deemed, bool Begin = false);

internal sealed record RefuseInput(CaseInput Case, IReadOnlyList<ReasonDto> Reasons, DateTimeOffset At);

internal sealed record WithdrawInput(CaseInput Case, WithdrawEvent Withdrawal);

internal sealed record DecideInput(CaseInput Case, bool Approved, IReadOnlyList<ReasonDto> Reasons);

/// <summary>The end of a case as committed: Approved/Issued, Rejected — or Withdrawn, when a withdrawal was committed before the decision.</summary>
internal sealed record CaseCompletion(string Status, string? LicenceNumber);
