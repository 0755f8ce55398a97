using System.Globalization;
using Approvals.Licensing.Calendar;

namespace Approvals.Licensing.Tests.Clock;

internal static class ClockTestData
{
    public static readonly WorkingCalendar Cn = CalendarRegistry.LoadEmbedded().Latest("CN");

    /// <summary>A Beijing local time, e.g. "2025-09-30 10:00".</summary>
    public static DateTimeOffset Bj(string local) =>
        new(DateTime.ParseExact(local, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), TimeSpan.FromHours(8));

    public static DateOnly D(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
