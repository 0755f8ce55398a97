namespace Approvals.Licensing.Clock;

/// <summary>Where a clock is.</summary>
public enum ClockStatus
{
    /// <summary>Not accepted yet (or no event at all).</summary>
    NotStarted,

    /// <summary>Counting working days.</summary>
    Running,

    /// <summary>Stopped for a supplement or excluded time.</summary>
    Paused,

    /// <summary>Decided; the clock will not move again.</summary>
    Stopped,
}

/// <summary>Electronic supervision (电子监察) alert levels.</summary>
public enum AlertLevel
{
    /// <summary>On time.</summary>
    None,

    /// <summary>预警: few working days left.</summary>
    Warning,

    /// <summary>黄牌: overdue.</summary>
    Yellow,

    /// <summary>红牌: still open after the follow-up (督办) period.</summary>
    Red,
}

/// <summary>The state of a case clock at an instant. See <see cref="CaseClock"/> for the counting rules.</summary>
/// <param name="Status">Where the clock is.</param>
/// <param name="StartDate">The first counted working day (the working day after acceptance).</param>
/// <param name="DueDate">The last working day of the limit; the deadline is the end of that local day. Null before acceptance and while paused unless the due date has already passed.</param>
/// <param name="WorkingDaysUsed">Working days counted so far (completed working days; the day a pause begins counts).</param>
/// <param name="LimitWorkingDays">The limit including any extension.</param>
/// <param name="WorkingDaysLeft">Limit minus used; 1 on the due date, 0 or negative once overdue.</param>
/// <param name="PausedFor">The reason of the current pause.</param>
/// <param name="PauseLegalBasis">The legal basis of the current pause.</param>
/// <param name="Alert">The alert level at the evaluation instant.</param>
/// <param name="WarningAt">When 预警 begins (null unless running).</param>
/// <param name="OverdueAt">When 黄牌 begins: the end of the due date (null unless running).</param>
/// <param name="RedCardAt">When 红牌 begins (null unless running).</param>
/// <param name="DeemedAcceptedAt">When the application is (or was) deemed accepted for want of 一次性告知 (Art. 32).</param>
public sealed record ClockState(
    ClockStatus Status,
    DateOnly? StartDate,
    DateOnly? DueDate,
    int WorkingDaysUsed,
    int LimitWorkingDays,
    int WorkingDaysLeft,
    PauseReason? PausedFor,
    string? PauseLegalBasis,
    AlertLevel Alert,
    DateTimeOffset? WarningAt,
    DateTimeOffset? OverdueAt,
    DateTimeOffset? RedCardAt,
    DateTimeOffset? DeemedAcceptedAt)
{
    /// <summary>Extension working days granted so far (0 or one extension's days).</summary>
    public int ExtensionWorkingDays { get; init; }

    /// <summary>When the clock was decided (办结), if it was.</summary>
    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>For a decided clock: whether the decision came on or before the due date. Null while open.</summary>
    public bool? DecidedOnTime { get; init; }
}
