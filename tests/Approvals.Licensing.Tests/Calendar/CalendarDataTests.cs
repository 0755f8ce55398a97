using Approvals.Licensing.Calendar;

namespace Approvals.Licensing.Tests.Calendar;

public sealed class CalendarDataTests
{
    private const string Valid = """
        { "jurisdiction": "XX", "version": "1.0", "timeZone": "Asia/Shanghai",
          "years": [ { "year": 2025, "status": "published", "source": "test",
                       "holidays": [ { "name": "元旦", "from": "2025-01-01", "to": "2025-01-01" } ],
                       "makeUpWorkingDays": [ { "date": "2025-01-04" } ] } ] }
        """;

    [Fact]
    public void Load_ValidFile_AddsJurisdictionAndVersion()
    {
        var registry = CalendarRegistry.Load([("xx.json", Valid)]);
        var calendar = registry.Get("XX", "1.0");
        calendar.IsWorkingDay(new DateOnly(2025, 1, 4)).Should().BeTrue();   // a Saturday made a working day
        calendar.IsWorkingDay(new DateOnly(2025, 1, 1)).Should().BeFalse();
        FluentActions.Invoking(() => registry.Get("XX", "2.0")).Should().Throw<KeyNotFoundException>();
        FluentActions.Invoking(() => registry.Get("YY")).Should().Throw<KeyNotFoundException>();
    }

    [Fact]
    public void Load_SeveralProblems_AllReportedAtOnce()
    {
        var broken = Valid
            .Replace("\"published\"", "\"rumoured\"", StringComparison.Ordinal)
            .Replace("2025-01-04", "2025-01-06", StringComparison.Ordinal)        // a Monday
            .Replace("\"to\": \"2025-01-01\"", "\"to\": \"2024-12-30\"", StringComparison.Ordinal);
        var act = () => CalendarRegistry.Load([("xx.json", broken), ("bad.json", "[")]);
        var errors = act.Should().Throw<CalendarDataException>().Which.Errors;
        errors.Should().HaveCount(4);
        errors.Should().Contain(e => e.Contains("'status'", StringComparison.Ordinal));
        errors.Should().Contain(e => e.Contains("2025-01-06 is a Monday", StringComparison.Ordinal));
        errors.Should().Contain(e => e.Contains("'from' 2025-01-01 is after 'to' 2024-12-30", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("bad.json", StringComparison.Ordinal));
    }

    [Fact]
    public void LoadEmbedded_EveryMakeUpDayIsAWeekendAndEveryYearHasASource()
    {
        foreach (var calendar in CalendarRegistry.LoadEmbedded().All)
        {
            calendar.TimeZone.GetUtcOffset(new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc)).Should().Be(TimeSpan.FromHours(8));
            calendar.Years.Should().OnlyContain(y => y.Source.Length > 0);
            calendar.Years.SelectMany(y => y.MakeUpWorkingDays)
                .Should().OnlyContain(d => d.DayOfWeek == DayOfWeek.Saturday || d.DayOfWeek == DayOfWeek.Sunday);
        }
    }
}
