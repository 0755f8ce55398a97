using Approvals.Licensing.Clock;
using FsCheck.Xunit;
using static Approvals.Licensing.Tests.Clock.ClockTestData;

namespace Approvals.Licensing.Tests.Clock;

/// <summary>Properties of the clock over random acceptance instants, limits, pauses and extensions in 2025–2026.</summary>
public sealed class CaseClockProperties
{
    private static readonly DateTimeOffset Origin = Bj("2025-01-02 00:00");

    private static DateTimeOffset Instant(int seed, int spanDays) =>
        Origin.AddMinutes((uint)seed % (uint)(spanDays * 24 * 60));

    private static int InRange(int seed, int min, int max) => min + (int)((uint)seed % (uint)(max - min + 1));

    [Property(MaxTest = 300)]
    public bool Pause_NeverShortensDueDate(int acceptSeed, int limitSeed, int pauseSeed, int lengthSeed)
    {
        var accepted = Instant(acceptSeed, 500);
        var rules = new ClockRules(InRange(limitSeed, 1, 30));
        var pausedAt = accepted.AddMinutes(InRange(pauseSeed, 0, 60 * 24 * 40));
        var resumedAt = pausedAt.AddMinutes(InRange(lengthSeed, 0, 60 * 24 * 20));
        var now = resumedAt.AddMinutes(1);
        var plain = CaseClock.Evaluate([new Accepted(accepted)], Cn, rules, now);
        var paused = CaseClock.Evaluate(
            [new Accepted(accepted), new Paused(pausedAt, PauseReason.Supplement, "《行政许可法》第四十五条"), new Resumed(resumedAt)],
            Cn,
            rules,
            now);
        return paused.DueDate >= plain.DueDate && paused.OverdueAt >= plain.OverdueAt;
    }

    [Property(MaxTest = 300)]
    public bool SameDayPauseAndResume_ChangesNothing(int acceptSeed, int limitSeed, int daySeed)
    {
        var accepted = Instant(acceptSeed, 500);
        var rules = new ClockRules(InRange(limitSeed, 1, 30));
        var day = Cn.LocalDate(accepted).AddDays(InRange(daySeed, 1, 30));
        var pausedAt = Cn.StartOfDay(day).AddHours(9);
        var plain = CaseClock.Evaluate([new Accepted(accepted)], Cn, rules, pausedAt.AddHours(3));
        var paused = CaseClock.Evaluate(
            [new Accepted(accepted), new Paused(pausedAt, PauseReason.Hearing, "《行政许可法》第四十五条"), new Resumed(pausedAt.AddHours(2))],
            Cn,
            rules,
            pausedAt.AddHours(3));
        return paused.DueDate == plain.DueDate || plain.WorkingDaysLeft <= 0;
    }

    [Property(MaxTest = 300)]
    public bool Extension_OnlyLengthensDueDate(int acceptSeed, int limitSeed, int extendSeed, int daysSeed)
    {
        var accepted = Instant(acceptSeed, 500);
        var rules = new ClockRules(InRange(limitSeed, 1, 30));
        var plain = CaseClock.Evaluate([new Accepted(accepted)], Cn, rules, accepted);
        // Any instant from acceptance to just before expiry is a legal time to extend.
        var window = (plain.OverdueAt!.Value - accepted).TotalMinutes;
        var extendedAt = accepted.AddMinutes(Math.Floor(window * ((uint)extendSeed % 1000) / 1000.0));
        var days = InRange(daysSeed, 1, rules.MaxExtensionWorkingDays);
        var extended = CaseClock.Evaluate([new Accepted(accepted), new Extended(extendedAt, days, "复杂")], Cn, rules, extendedAt);
        return extended.DueDate > plain.DueDate
            && Cn.WorkingDaysBetween(plain.DueDate!.Value, extended.DueDate!.Value) == days
            && extended.RedCardAt > plain.RedCardAt;
    }

    [Property(MaxTest = 200)]
    public bool Evaluate_IsDeterministicAndIndependentOfEventOrder(int acceptSeed, int gapSeed, int nowSeed, int limitSeed)
    {
        var submitted = Instant(acceptSeed, 500);
        var accepted = submitted.AddHours(InRange(gapSeed, 1, 48));
        var paused = accepted.AddDays(3);
        var resumed = paused.AddDays(4);
        ClockEvent[] events =
        [
            new Submitted(submitted),
            new Accepted(accepted),
            new Paused(paused, PauseReason.ExpertReview, "《行政许可法》第四十五条"),
            new Resumed(resumed),
        ];
        var rules = new ClockRules(InRange(limitSeed, 1, 20));
        var now = submitted.AddMinutes(InRange(nowSeed, 0, 60 * 24 * 40));
        var first = CaseClock.Evaluate(events, Cn, rules, now);
        var again = CaseClock.Evaluate(events, Cn, rules, now);
        var reversed = CaseClock.Evaluate(events.Reverse().ToArray(), Cn, rules, now);
        return first == again && first == reversed;
    }

    [Property(MaxTest = 300)]
    public bool AlertInstants_AreOrdered(int acceptSeed, int limitSeed, int warnSeed, int followSeed)
    {
        var rules = new ClockRules(InRange(limitSeed, 1, 30), InRange(warnSeed, 0, 3), InRange(followSeed, 0, 10));
        var state = CaseClock.Evaluate([new Accepted(Instant(acceptSeed, 500))], Cn, rules, Instant(acceptSeed, 500));
        return state.WarningAt <= state.OverdueAt && state.OverdueAt <= state.RedCardAt
            && state.OverdueAt == Cn.EndOfDay(state.DueDate!.Value);
    }
}
