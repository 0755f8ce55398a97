using Approvals.Licensing.Clock;

namespace Approvals.Pipeline.Supervision;

/// <summary>One event to append to a case's hash-chained timeline; <see cref="IdempotencyKey"/> makes a re-run append nothing.</summary>
internal sealed record TimelineAppend(string CaseId, string CaseNumber, string IdempotencyKey, DateTimeOffset At, string Type, string Actor, string? DepartmentId, IReadOnlyDictionary<string, string?>? Details, TimelineClock? Clock);

/// <summary>The clock state at the moment of a timeline event.</summary>
internal sealed record TimelineClock(string Status, DateOnly? DueDate, int WorkingDaysUsed, int LimitWorkingDays, string? PausedFor);

/// <summary>A stored timeline entry; <see cref="Hash"/> covers every other field and <see cref="PrevHash"/>.</summary>
internal sealed record TimelineEntry(long Seq, DateTimeOffset At, string Type, string Actor, string? DepartmentId, IReadOnlyDictionary<string, string?> Details, TimelineClock? Clock, string Hash, string PrevHash);

/// <summary>An alert (预警 / 黄牌 / 红牌) for a case step (<see cref="DepartmentId"/> null = the case as a whole).</summary>
internal sealed record AlertRaised(string CaseId, string CaseNumber, string LicenceTypeId, string? DepartmentId, AlertLevel Level, DateTimeOffset At, DateOnly? DueDate);

/// <summary>Statistics fact: a case was received (submitted) for these departments.</summary>
internal sealed record CaseReceived(string CaseId, string CaseNumber, string LicenceTypeId, IReadOnlyList<string> DepartmentIds, DateTimeOffset At);

/// <summary>Statistics fact: a department step (or, with <see cref="DepartmentId"/> null, the whole case) was decided.</summary>
internal sealed record StepDecided(string CaseId, string CaseNumber, string LicenceTypeId, string? DepartmentId, string Outcome, DateTimeOffset DecidedAt, int WorkingDaysUsed, bool OnTime);

/// <summary>
/// A decision to publish on the public register (外网公示); the recorder masks <see cref="ApplicantName"/> unless
/// <see cref="ApplicantKind"/> says the applicant is an organisation.
/// </summary>
internal sealed record RegisterEntry(
    string CaseId, string CaseNumber, string LicenceTypeId, string LicenceTypeName, string ApplicantName, string Decision, DateTimeOffset DecidedAt, string? LicenceNumber,
    Licensing.Applicants.ApplicantKind ApplicantKind = Licensing.Applicants.ApplicantKind.Individual);

/// <summary>A complaint (投诉) as the applicant files it.</summary>
internal sealed record NewComplaint(string CaseId, string CaseNumber, string ApplicantSubject, string Text, DateTimeOffset At);

/// <summary>A stored complaint.</summary>
internal sealed record Complaint(string Id, string CaseId, string CaseNumber, string Text, DateTimeOffset At);
