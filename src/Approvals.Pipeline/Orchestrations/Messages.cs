using Approvals.Pipeline.Cases;
using Approvals.Licensing.Clock;

namespace Approvals.Pipeline.Orchestrations;

/// <summary>
/// Input of <see cref="LicenceApproval"/>: the case and the versions it pinned. <see cref="ClockShift"/> is how far the
/// licensing clock ran ahead of the system clock at submission: zero in service, set only by tests that run the app
/// on a fake clock (see <see cref="OrchestrationClock"/>).
/// </summary>
internal sealed record CaseInput(
    string CaseId,
    string CaseNumber,
    string LicenceTypeId,
    string LicenceTypeVersion,
    string CalendarVersion,
    DateTimeOffset SubmittedAt,
    string ApplicantSubject = "",
    TimeSpan ClockShift = default);

/// <summary>Output of <see cref="LicenceApproval"/>.</summary>
internal sealed record CaseOutcome(string Status, string? LicenceNumber, IReadOnlyList<ReasonDto> Reasons);

/// <summary>
/// A requested material was uploaded (raised by the upload endpoint to the case's instance, once for every step whose
/// open request asked for it). <see cref="RequestId"/> is the task id of the request. Event name <see cref="EventNames.SupplementProvided"/>.
/// </summary>
internal sealed record SupplementProvidedEvent(string RequestId, string MaterialId, int Version);

/// <summary>The applicant withdrew (event name <see cref="EventNames.Withdraw"/>).</summary>
internal sealed record WithdrawEvent(string By, DateTimeOffset At);

/// <summary>External event names.</summary>
internal static class EventNames
{
    public const string Decision = "Decision";
    public const string SupplementProvided = "SupplementProvided";
    public const string Withdraw = "Withdraw";
    public const string ClockShifted = "ClockShifted";
}

/// <summary>A clock snapshot passed to activities for the record (timeline, statistics).</summary>
internal sealed record ClockSnapshot(string Status, DateOnly? DueDate, int WorkingDaysUsed, int LimitWorkingDays, string? PausedFor, int Alert, bool? OnTime)
{
    public static ClockSnapshot From(ClockState s) =>
        new(s.Status.ToString(), s.DueDate, s.WorkingDaysUsed, s.LimitWorkingDays, s.PausedFor?.ToString(), (int)s.Alert, s.DecidedOnTime);
}

/// <summary>
/// Test-only: the licensing clock now runs <see cref="Shift"/> ahead of the system clock (event name
/// <see cref="EventNames.ClockShifted"/>). Never raised in service.
/// </summary>
internal sealed record ClockShiftedEvent(TimeSpan Shift);
