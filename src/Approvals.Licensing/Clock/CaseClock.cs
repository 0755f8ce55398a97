using Approvals.Licensing.Calendar;

namespace Approvals.Licensing.Clock;

/// <summary>The case clock: due date, state and alert instants as a pure function of events.</summary>
public static class CaseClock
{
    /// <summary>Evaluates the clock at <paramref name="now"/>.</summary>
    public static ClockState Evaluate(IReadOnlyList<ClockEvent> events, WorkingCalendar calendar, ClockRules rules, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(rules);
        throw new NotImplementedException();
    }
}
