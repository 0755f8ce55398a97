namespace Approvals.Licensing.Clock;

/// <summary>
/// Something that happened to a case (or to one department step) that matters to its time limit.
/// The clock is a pure function of these events, so the event list is the whole truth.
/// </summary>
/// <param name="At">When it happened.</param>
public abstract record ClockEvent(DateTimeOffset At);

/// <summary>The application was submitted (收件). Starts the 5-working-day acceptance window (行政许可法 Art. 32).</summary>
/// <param name="At">When the materials were received.</param>
public sealed record Submitted(DateTimeOffset At) : ClockEvent(At);

/// <summary>
/// The application was accepted (受理), or a department received its task. Counting starts on the
/// next working day.
/// </summary>
/// <param name="At">When it was accepted.</param>
public sealed record Accepted(DateTimeOffset At) : ClockEvent(At);

/// <summary>
/// The clock stops (补正 or excluded time). Before acceptance a <see cref="PauseReason.Supplement"/>
/// pause is the 一次性告知 of Art. 32: it ends the deemed-acceptance window.
/// </summary>
/// <param name="At">When the pause began.</param>
/// <param name="Reason">Why the clock stops.</param>
/// <param name="LegalBasis">The article it rests on, e.g. 《行政许可法》第四十五条.</param>
public sealed record Paused(DateTimeOffset At, PauseReason Reason, string LegalBasis) : ClockEvent(At);

/// <summary>The pause ended (materials supplied, hearing held…). Counting resumes on the next working day.</summary>
/// <param name="At">When the pause ended.</param>
public sealed record Resumed(DateTimeOffset At) : ClockEvent(At);

/// <summary>The limit was extended (延期), at most once and before expiry (行政许可法 Art. 42).</summary>
/// <param name="At">When the extension was approved.</param>
/// <param name="WorkingDays">Additional working days, 1 to <see cref="ClockRules.MaxExtensionWorkingDays"/>.</param>
/// <param name="Reason">Why (approved by the head of the authority, Art. 42).</param>
public sealed record Extended(DateTimeOffset At, int WorkingDays, string Reason) : ClockEvent(At);

/// <summary>The case or step was decided (办结 / not accepted); the clock stops for good.</summary>
/// <param name="At">When it was decided.</param>
public sealed record Decided(DateTimeOffset At) : ClockEvent(At);

/// <summary>Why a clock is paused.</summary>
public enum PauseReason
{
    /// <summary>Waiting for the applicant to supplement materials (补正).</summary>
    Supplement,

    /// <summary>Hearing (听证), excluded time under 行政许可法 Art. 45.</summary>
    Hearing,

    /// <summary>Inspection, testing or quarantine (检验、检测、检疫), excluded under Art. 45.</summary>
    Inspection,

    /// <summary>Expert review (专家评审), excluded under Art. 45.</summary>
    ExpertReview,

    /// <summary>Any other excluded time with a stated legal basis.</summary>
    Other,
}
