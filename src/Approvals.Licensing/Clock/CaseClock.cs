using Approvals.Licensing.Calendar;

namespace Approvals.Licensing.Clock;

/// <summary>
/// The case clock: the due date, state and alert instants of a case — or of one department step —
/// as a pure function of its events, a calendar version, the rules and an instant. The same inputs
/// always give the same answer; nothing reads the system clock.
/// </summary>
/// <remarks>
/// <para><b>Working days.</b> A working day is a local date (in the calendar's time zone) that the
/// <see cref="WorkingCalendar"/> marks as working: not a weekend unless it is a make-up day (调休),
/// never a statutory holiday. Time limits are counted in working days (行政许可法 Art. 82).</para>
/// <para><b>Counting.</b> Counting starts on the working day after acceptance: the day of acceptance
/// is not counted (Art. 82 and the usual rule for periods). The N-th counted working day is the
/// <b>due date</b>, and the deadline is the <b>end of that local day</b> (the next local midnight,
/// <see cref="WorkingCalendar.EndOfDay"/>): a decision at 23:59 on the due date is on time, at 00:00
/// the next day it is overdue (黄牌).</para>
/// <para><b>Pauses</b> (补正, and excluded time for hearing, inspection, testing, expert review —
/// Art. 45) stop counting. The day a pause begins counts as used (the authority had that day);
/// counting resumes on the working day after the resume. So a pause that begins and ends on the same
/// day changes nothing, and a pause can never bring the due date earlier.</para>
/// <para><b>Extension</b> (Art. 42): once, at most <see cref="ClockRules.MaxExtensionWorkingDays"/>
/// working days, and only before expiry, i.e. while fewer working days than the limit have been used.</para>
/// <para><b>Deemed acceptance</b> (Art. 32): after <see cref="Submitted"/>, if neither acceptance nor a
/// 一次性告知 (a <see cref="Paused"/> before acceptance) comes by the end of the 5th working day, the
/// application counts as accepted from the day the materials were received (自收到申请材料之日起即为受理),
/// so counting starts on the working day after receipt.</para>
/// <para><b>Alerts</b> are thresholds on the working days used: 预警 when at most
/// <see cref="ClockRules.WarningWorkingDays"/> are left, 黄牌 once the limit is used up (the end of the
/// due date), 红牌 once <see cref="ClockRules.FollowUpWorkingDays"/> more have passed (督办 missed).
/// Events after <c>now</c> are ignored, so the function also answers "what was the state then".</para>
/// </remarks>
public static class CaseClock
{
    /// <summary>Evaluates the clock at <paramref name="now"/>.</summary>
    /// <param name="events">The clock events, in any order; they are ordered by time (stable for ties).</param>
    /// <param name="calendar">The working-day calendar version the case pinned.</param>
    /// <param name="rules">The limit and alert rules.</param>
    /// <param name="now">The evaluation instant; later events are ignored.</param>
    /// <exception cref="ClockRuleException">The events break a rule (see <see cref="Validate"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A date falls outside the calendar's years, or the rules are invalid.</exception>
    public static ClockState Evaluate(IReadOnlyList<ClockEvent> events, WorkingCalendar calendar, ClockRules rules, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(rules);
        CheckRules(rules);
        var machine = new ClockMachine(calendar, rules);
        foreach (var e in Order(events))
        {
            if (e.At > now)
            {
                break;
            }

            machine.Apply(e);
        }

        return machine.StateAt(now);
    }

    /// <summary>
    /// Checks whether appending <paramref name="next"/> to <paramref name="events"/> is legal (e.g. before
    /// granting an extension). Returns null when it is, or the reason it is not.
    /// </summary>
    public static string? Validate(IReadOnlyList<ClockEvent> events, ClockEvent next, WorkingCalendar calendar, ClockRules rules)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(rules);
        CheckRules(rules);
        var machine = new ClockMachine(calendar, rules);
        try
        {
            foreach (var e in Order([.. events, next]))
            {
                machine.Apply(e);
            }

            return null;
        }
        catch (ClockRuleException ex)
        {
            return ex.Message;
        }
    }

    private static IEnumerable<ClockEvent> Order(IReadOnlyList<ClockEvent> events)
    {
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is null)
            {
                throw new ArgumentException($"Clock event {i} is null.", nameof(events));
            }
        }

        // OrderBy is stable: events with the same instant keep the order they were recorded in.
        return events.OrderBy(e => e.At.UtcTicks);
    }

    private static void CheckRules(ClockRules rules)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rules.LimitWorkingDays, 1, nameof(rules));
        ArgumentOutOfRangeException.ThrowIfNegative(rules.WarningWorkingDays, nameof(rules));
        ArgumentOutOfRangeException.ThrowIfNegative(rules.FollowUpWorkingDays, nameof(rules));
        ArgumentOutOfRangeException.ThrowIfNegative(rules.MaxExtensionWorkingDays, nameof(rules));
        ArgumentOutOfRangeException.ThrowIfLessThan(rules.DeemedAcceptanceWorkingDays, 1, nameof(rules));
    }
}
