using Approvals.Licensing.Calendar;

namespace Approvals.Licensing.Tests.Calendar;

/// <summary>The CN calendar against the State Council's published 2025 and 2026 arrangements.</summary>
public sealed class WorkingCalendarTests
{
    private static readonly WorkingCalendar Cn = CalendarRegistry.LoadEmbedded().Latest("CN");

    private static DateOnly D(string s) => DateOnly.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("2025-01-01")]
    [InlineData("2025-01-28")]
    [InlineData("2025-02-04")]
    [InlineData("2025-04-04")]
    [InlineData("2025-05-05")]
    [InlineData("2025-06-02")]
    [InlineData("2025-10-08")]
    [InlineData("2026-01-02")]
    [InlineData("2026-02-23")]
    [InlineData("2026-04-06")]
    [InlineData("2026-05-05")]
    [InlineData("2026-06-19")]
    [InlineData("2026-09-25")]
    [InlineData("2026-10-07")]
    public void IsWorkingDay_PublishedHolidayOnWeekday_False(string day) =>
        Cn.IsWorkingDay(D(day)).Should().BeFalse();

    [Theory]
    [InlineData("2025-01-26")]
    [InlineData("2025-02-08")]
    [InlineData("2025-04-27")]
    [InlineData("2025-09-28")]
    [InlineData("2025-10-11")]
    [InlineData("2026-01-04")]
    [InlineData("2026-02-14")]
    [InlineData("2026-02-28")]
    [InlineData("2026-05-09")]
    [InlineData("2026-09-20")]
    [InlineData("2026-10-10")]
    public void IsWorkingDay_MakeUpWeekendDay_True(string day)
    {
        D(day).DayOfWeek.Should().BeOneOf(DayOfWeek.Saturday, DayOfWeek.Sunday);
        Cn.IsWorkingDay(D(day)).Should().BeTrue();
    }

    [Fact]
    public void IsWorkingDay_OrdinaryWeekendAndWeekday_Expected()
    {
        Cn.IsWorkingDay(D("2025-11-22")).Should().BeFalse();
        Cn.IsWorkingDay(D("2025-11-24")).Should().BeTrue();
    }

    [Fact]
    public void AddWorkingDays_SpanningNationalDayWeek2025_SkipsHolidaysCountsMakeUpSaturday()
    {
        // Accepted Tue 30 Sep 2025; 1–8 Oct is the holiday; Sat 11 Oct is a make-up working day.
        Cn.AddWorkingDays(D("2025-09-30"), 1).Should().Be(D("2025-10-09"));
        Cn.AddWorkingDays(D("2025-09-30"), 3).Should().Be(D("2025-10-11"));
        Cn.AddWorkingDays(D("2025-09-30"), 5).Should().Be(D("2025-10-14"));
    }

    [Fact]
    public void AddWorkingDays_SpanningNationalDayWeek2026_CountsSaturdayTenOctober()
    {
        Cn.AddWorkingDays(D("2026-09-30"), 1).Should().Be(D("2026-10-08"));
        Cn.AddWorkingDays(D("2026-09-30"), 3).Should().Be(D("2026-10-10"));
        Cn.AddWorkingDays(D("2026-09-30"), 4).Should().Be(D("2026-10-12"));
    }

    [Fact]
    public void AddWorkingDays_SpringFestival2025_CountsSundayMakeUpAndSkipsEightDays()
    {
        Cn.AddWorkingDays(D("2025-01-24"), 1).Should().Be(D("2025-01-26"));
        Cn.AddWorkingDays(D("2025-01-24"), 3).Should().Be(D("2025-02-05"));
    }

    [Fact]
    public void AddWorkingDays_SpringFestival2026_NineDaysOffBetweenTwoMakeUpSaturdays()
    {
        Cn.AddWorkingDays(D("2026-02-13"), 1).Should().Be(D("2026-02-14"));
        Cn.AddWorkingDays(D("2026-02-13"), 2).Should().Be(D("2026-02-24"));
        Cn.WorkingDaysBetween(D("2026-02-13"), D("2026-02-28")).Should().Be(6); // 14th, 24–27th, 28th
    }

    [Fact]
    public void AddWorkingDays_Zero_ReturnsStartEvenOnHoliday() =>
        Cn.AddWorkingDays(D("2025-10-01"), 0).Should().Be(D("2025-10-01"));

    [Fact]
    public void NextWorkingDay_FromHolidayEve_FirstDayAfterHoliday() =>
        Cn.NextWorkingDay(D("2026-09-30")).Should().Be(D("2026-10-08"));

    [Theory]
    [InlineData(2025, 248)]
    [InlineData(2026, 248)]
    [InlineData(2027, 248)]
    public void WorkingDaysBetween_WholeYear_261WeekdaysMinus13StatutoryDays(int year, int expected)
    {
        // 1 January is always a holiday, so counting after it loses nothing.
        var first = new DateOnly(year, 1, 1);
        Cn.IsWorkingDay(first).Should().BeFalse();
        Cn.WorkingDaysBetween(first, new DateOnly(year, 12, 31)).Should().Be(expected);
    }

    [Fact]
    public void WorkingDaysBetween_Reversed_IsNegated() =>
        Cn.WorkingDaysBetween(D("2025-10-14"), D("2025-09-30")).Should().Be(-5);

    [Fact]
    public void AnyOperation_OutsideCoveredYears_Throws()
    {
        var act = () => Cn.IsWorkingDay(D("2028-01-03"));
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*outside*");
        var add = () => Cn.AddWorkingDays(D("2027-12-20"), 30);
        add.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*beyond*");
    }

    [Fact]
    public void LocalDate_UtcEvening_IsNextDayInShanghai()
    {
        var instant = new DateTimeOffset(2025, 9, 30, 16, 30, 0, TimeSpan.Zero); // 00:30 on 1 Oct in Beijing
        Cn.LocalDate(instant).Should().Be(D("2025-10-01"));
        Cn.TimeZone.GetUtcOffset(instant).Should().Be(TimeSpan.FromHours(8));
    }

    [Fact]
    public void EndOfDay_IsNextLocalMidnight()
    {
        var end = Cn.EndOfDay(D("2025-10-14"));
        end.Should().Be(new DateTimeOffset(2025, 10, 14, 16, 0, 0, TimeSpan.Zero));
        end.Offset.Should().Be(TimeSpan.FromHours(8));
        Cn.StartOfDay(D("2025-10-15")).Should().Be(end);
    }

    [Fact]
    public void Years_2027IsProjected_2025And2026Published()
    {
        Cn.Years.Single(y => y.Year == 2025).Status.Should().Be(CalendarYearStatus.Published);
        Cn.Years.Single(y => y.Year == 2026).Status.Should().Be(CalendarYearStatus.Published);
        Cn.Years.Single(y => y.Year == 2027).Status.Should().Be(CalendarYearStatus.Projected);
    }
}
