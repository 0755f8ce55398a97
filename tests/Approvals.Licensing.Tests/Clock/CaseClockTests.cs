using Approvals.Licensing.Clock;
using static Approvals.Licensing.Tests.Clock.ClockTestData;

namespace Approvals.Licensing.Tests.Clock;

public sealed class CaseClockTests
{
    private static readonly ClockRules FiveDays = new(LimitWorkingDays: 5, WarningWorkingDays: 1, FollowUpWorkingDays: 5);
    private static readonly ClockRules TenDays = new(LimitWorkingDays: 10);
    private static readonly ClockEvent[] AcceptedBeforeNationalDay = [new Accepted(Bj("2025-09-30 10:00"))];

    [Fact]
    public void Evaluate_NoEvents_NotStarted()
    {
        var state = CaseClock.Evaluate([], Cn, FiveDays, Bj("2025-09-30 10:00"));
        state.Status.Should().Be(ClockStatus.NotStarted);
        state.DueDate.Should().BeNull();
        state.WorkingDaysLeft.Should().Be(5);
    }

    [Fact]
    public void Evaluate_AcceptedBeforeNationalDay_StartsAfterHolidayDueFiveWorkingDaysLater()
    {
        var state = CaseClock.Evaluate(AcceptedBeforeNationalDay, Cn, FiveDays, Bj("2025-10-13 12:00"));
        state.Status.Should().Be(ClockStatus.Running);
        state.StartDate.Should().Be(D("2025-10-09"));
        state.DueDate.Should().Be(D("2025-10-14"));          // 9, 10, 11 (make-up Sat), 13, 14
        state.WorkingDaysUsed.Should().Be(3);
        state.WorkingDaysLeft.Should().Be(2);
        state.Alert.Should().Be(AlertLevel.None);
    }

    [Fact]
    public void Evaluate_AlertInstants_EndOfLocalDays()
    {
        var state = CaseClock.Evaluate(AcceptedBeforeNationalDay, Cn, FiveDays, Bj("2025-10-01 09:00"));
        state.WarningAt.Should().Be(Bj("2025-10-14 00:00"));  // after the 4th working day only the due date is left
        state.OverdueAt.Should().Be(Bj("2025-10-15 00:00"));  // the end of the due date
        state.RedCardAt.Should().Be(Bj("2025-10-22 00:00"));  // 5 more working days: 15, 16, 17, 20, 21
    }

    [Theory]
    [InlineData("2025-10-13 23:59", AlertLevel.None, 2)]
    [InlineData("2025-10-14 00:00", AlertLevel.Warning, 1)]
    [InlineData("2025-10-14 23:59", AlertLevel.Warning, 1)]
    [InlineData("2025-10-15 00:00", AlertLevel.Yellow, 0)]
    [InlineData("2025-10-21 23:59", AlertLevel.Yellow, -4)]
    [InlineData("2025-10-22 00:00", AlertLevel.Red, -5)]
    public void Evaluate_AtInstant_AlertLevelAndDaysLeft(string now, AlertLevel expected, int left)
    {
        var state = CaseClock.Evaluate(AcceptedBeforeNationalDay, Cn, FiveDays, Bj(now));
        state.Alert.Should().Be(expected);
        state.WorkingDaysLeft.Should().Be(left);
    }

    [Fact]
    public void Evaluate_DecidedLastMinuteOfDueDate_OnTime()
    {
        ClockEvent[] events = [.. AcceptedBeforeNationalDay, new Decided(Bj("2025-10-14 23:59"))];
        var state = CaseClock.Evaluate(events, Cn, FiveDays, Bj("2025-11-01 00:00"));
        state.Status.Should().Be(ClockStatus.Stopped);
        state.DecidedOnTime.Should().BeTrue();
        state.Alert.Should().Be(AlertLevel.None);
        state.WarningAt.Should().BeNull();
    }

    [Fact]
    public void Evaluate_DecidedAtMidnightAfterDueDate_Late()
    {
        ClockEvent[] events = [.. AcceptedBeforeNationalDay, new Decided(Bj("2025-10-15 00:00"))];
        CaseClock.Evaluate(events, Cn, FiveDays, Bj("2025-11-01 00:00")).DecidedOnTime.Should().BeFalse();
    }

    [Fact]
    public void Evaluate_SubmittedWithoutNotice_DeemedAcceptedFromReceiptAfterFiveWorkingDays()
    {
        // Fri 26 Sep 2025; working days after: 28 (make-up Sun), 29, 30, 9 Oct, 10 Oct.
        ClockEvent[] events = [new Submitted(Bj("2025-09-26 15:00"))];
        var before = CaseClock.Evaluate(events, Cn, TenDays, Bj("2025-10-10 23:59"));
        before.Status.Should().Be(ClockStatus.NotStarted);
        before.DeemedAcceptedAt.Should().Be(Bj("2025-10-11 00:00"));

        var after = CaseClock.Evaluate(events, Cn, TenDays, Bj("2025-10-11 00:00"));
        after.Status.Should().Be(ClockStatus.Running);
        after.StartDate.Should().Be(D("2025-09-28"));      // counted from receipt (Art. 32)
        after.DueDate.Should().Be(D("2025-10-16"));
        after.WorkingDaysUsed.Should().Be(5);
        after.DeemedAcceptedAt.Should().Be(Bj("2025-10-11 00:00"));
    }

    [Fact]
    public void Evaluate_NoticeGivenWithinWindow_NoDeemedAcceptance()
    {
        ClockEvent[] events =
        [
            new Submitted(Bj("2025-09-26 15:00")),
            new Paused(Bj("2025-09-29 10:00"), PauseReason.Supplement, "《行政许可法》第三十二条"),
        ];
        var state = CaseClock.Evaluate(events, Cn, TenDays, Bj("2025-10-20 10:00"));
        state.Status.Should().Be(ClockStatus.NotStarted);
        state.DeemedAcceptedAt.Should().BeNull();
        state.PausedFor.Should().Be(PauseReason.Supplement);
    }

    [Fact]
    public void Evaluate_SupplementBeforeAcceptance_NewWindowFromResubmission()
    {
        ClockEvent[] events =
        [
            new Submitted(Bj("2025-11-03 09:00")),
            new Paused(Bj("2025-11-04 09:00"), PauseReason.Supplement, "《行政许可法》第三十二条"),
            new Resumed(Bj("2025-11-10 09:00")),
        ];
        CaseClock.Evaluate(events, Cn, TenDays, Bj("2025-11-11 09:00")).DeemedAcceptedAt.Should().Be(Bj("2025-11-18 00:00"));
    }

    [Fact]
    public void Evaluate_LateFormalAcceptanceAfterDeemedAcceptance_DoesNotMoveStart()
    {
        ClockEvent[] events = [new Submitted(Bj("2025-09-26 15:00")), new Accepted(Bj("2025-10-13 09:00"))];
        CaseClock.Evaluate(events, Cn, TenDays, Bj("2025-10-13 10:00")).StartDate.Should().Be(D("2025-09-28"));
    }

    [Fact]
    public void Evaluate_SupplementPause_StopsCountingAndResumesNextWorkingDay()
    {
        ClockEvent[] events =
        [
            new Accepted(Bj("2025-11-03 09:00")),                                           // due Mon 17 Nov unpaused
            new Paused(Bj("2025-11-05 14:00"), PauseReason.Supplement, "《行政许可法》第四十五条"), // 4 and 5 Nov used
            new Resumed(Bj("2025-11-10 11:00")),
        ];
        var paused = CaseClock.Evaluate(events, Cn, TenDays, Bj("2025-11-07 10:00"));
        paused.Status.Should().Be(ClockStatus.Paused);
        paused.PausedFor.Should().Be(PauseReason.Supplement);
        paused.PauseLegalBasis.Should().Contain("第四十五条");
        paused.WorkingDaysUsed.Should().Be(2);
        paused.WorkingDaysLeft.Should().Be(8);
        paused.DueDate.Should().BeNull();
        paused.OverdueAt.Should().BeNull();

        var resumed = CaseClock.Evaluate(events, Cn, TenDays, Bj("2025-11-10 12:00"));
        resumed.Status.Should().Be(ClockStatus.Running);
        resumed.DueDate.Should().Be(D("2025-11-20"));     // 8 working days from Tue 11 Nov
        resumed.PausedFor.Should().BeNull();
    }

    [Fact]
    public void Evaluate_ExtensionBeforeExpiry_AddsWorkingDays()
    {
        ClockEvent[] events = [new Accepted(Bj("2025-11-03 09:00")), new Extended(Bj("2025-11-17 18:00"), 10, "需要现场核查")];
        var state = CaseClock.Evaluate(events, Cn, TenDays, Bj("2025-11-18 09:00"));
        state.DueDate.Should().Be(D("2025-12-01"));
        state.LimitWorkingDays.Should().Be(20);
        state.ExtensionWorkingDays.Should().Be(10);
        state.Alert.Should().Be(AlertLevel.None);
    }

    [Fact]
    public void Evaluate_ExtensionAfterExpiry_Throws()
    {
        ClockEvent[] events = [new Accepted(Bj("2025-11-03 09:00")), new Extended(Bj("2025-11-18 00:00"), 5, "late")];
        FluentActions.Invoking(() => CaseClock.Evaluate(events, Cn, TenDays, Bj("2025-11-20 09:00")))
            .Should().Throw<ClockRuleException>().WithMessage("*expired*");
    }

    [Fact]
    public void Evaluate_SecondExtension_Throws()
    {
        ClockEvent[] events =
        [
            new Accepted(Bj("2025-11-03 09:00")),
            new Extended(Bj("2025-11-05 09:00"), 3, "a"),
            new Extended(Bj("2025-11-06 09:00"), 3, "b"),
        ];
        FluentActions.Invoking(() => CaseClock.Evaluate(events, Cn, TenDays, Bj("2025-11-07 09:00")))
            .Should().Throw<ClockRuleException>().WithMessage("*once*");
    }

    [Fact]
    public void Evaluate_ExtensionAboveCap_Throws()
    {
        ClockEvent[] events = [new Accepted(Bj("2025-11-03 09:00")), new Extended(Bj("2025-11-05 09:00"), 11, "too long")];
        FluentActions.Invoking(() => CaseClock.Evaluate(events, Cn, TenDays, Bj("2025-11-07 09:00")))
            .Should().Throw<ClockRuleException>().WithMessage("*1–10*");
    }

    [Fact]
    public void Validate_IllegalNextEvent_ReturnsReasonWithoutThrowing()
    {
        ClockEvent[] events = [new Accepted(Bj("2025-11-03 09:00"))];
        CaseClock.Validate(events, new Resumed(Bj("2025-11-04 09:00")), Cn, TenDays).Should().Contain("not paused");
        CaseClock.Validate(events, new Extended(Bj("2025-11-04 09:00"), 5, "ok"), Cn, TenDays).Should().BeNull();
    }

    [Fact]
    public void Evaluate_PauseWhilePausedOrEventAfterDecision_Throws()
    {
        var basis = "《行政许可法》第四十五条";
        ClockEvent[] twice = [new Accepted(Bj("2025-11-03 09:00")), new Paused(Bj("2025-11-04 09:00"), PauseReason.Hearing, basis), new Paused(Bj("2025-11-05 09:00"), PauseReason.Hearing, basis)];
        FluentActions.Invoking(() => CaseClock.Evaluate(twice, Cn, TenDays, Bj("2025-11-07 09:00"))).Should().Throw<ClockRuleException>();
        ClockEvent[] afterDecision = [new Accepted(Bj("2025-11-03 09:00")), new Decided(Bj("2025-11-04 09:00")), new Resumed(Bj("2025-11-05 09:00"))];
        FluentActions.Invoking(() => CaseClock.Evaluate(afterDecision, Cn, TenDays, Bj("2025-11-07 09:00"))).Should().Throw<ClockRuleException>();
    }

    [Fact]
    public void Evaluate_DuplicateEvent_Ignored()
    {
        var accepted = new Accepted(Bj("2025-11-03 09:00"));
        CaseClock.Evaluate([accepted, accepted], Cn, TenDays, Bj("2025-11-05 09:00"))
            .Should().Be(CaseClock.Evaluate([accepted], Cn, TenDays, Bj("2025-11-05 09:00")));
    }

    [Fact]
    public void Evaluate_PausedAfterDueDate_StaysYellowAndKeepsPassedDueDate()
    {
        ClockEvent[] events = [.. AcceptedBeforeNationalDay, new Paused(Bj("2025-10-16 10:00"), PauseReason.Inspection, "《行政许可法》第四十五条")];
        var paused = CaseClock.Evaluate(events, Cn, FiveDays, Bj("2025-10-20 10:00"));
        paused.Alert.Should().Be(AlertLevel.Yellow);
        paused.DueDate.Should().Be(D("2025-10-14"));
        ClockEvent[] resumed = [.. events, new Resumed(Bj("2025-10-24 10:00"))];
        var state = CaseClock.Evaluate(resumed, Cn, FiveDays, Bj("2025-10-24 11:00"));
        state.Alert.Should().Be(AlertLevel.Yellow);
        state.OverdueAt.Should().Be(Bj("2025-10-24 10:00"));   // the breach is active again from the resume
    }

    [Fact]
    public void Evaluate_EventsAfterNow_Ignored()
    {
        ClockEvent[] events = [.. AcceptedBeforeNationalDay, new Decided(Bj("2025-10-13 10:00"))];
        CaseClock.Evaluate(events, Cn, FiveDays, Bj("2025-10-10 10:00")).Status.Should().Be(ClockStatus.Running);
    }

    [Fact]
    public void Evaluate_PausedOnDueDate_RestOfThatDayCarriesToResumeDay()
    {
        ClockEvent[] events =
        [
            .. AcceptedBeforeNationalDay,                                                        // due Tue 14 Oct
            new Paused(Bj("2025-10-14 15:00"), PauseReason.Supplement, "《行政许可法》第四十五条"),
            new Resumed(Bj("2025-10-20 10:00")),
        ];
        var paused = CaseClock.Evaluate(events[..2], Cn, FiveDays, Bj("2025-10-16 10:00"));
        paused.Alert.Should().Be(AlertLevel.None);
        paused.DueDate.Should().BeNull();
        var resumed = CaseClock.Evaluate(events, Cn, FiveDays, Bj("2025-10-20 11:00"));
        resumed.DueDate.Should().Be(D("2025-10-20"));
        resumed.OverdueAt.Should().Be(Bj("2025-10-21 00:00"));
        resumed.Alert.Should().Be(AlertLevel.Warning);
        CaseClock.Validate(events, new Extended(Bj("2025-10-20 16:00"), 2, "补充核查"), Cn, FiveDays).Should().BeNull();
    }
}
