using Approvals.Licensing.Calendar;
using FsCheck.Xunit;

namespace Approvals.Licensing.Tests.Calendar;

public sealed class WorkingCalendarProperties
{
    private static readonly WorkingCalendar Cn = CalendarRegistry.LoadEmbedded().Latest("CN");

    // Start dates in 2025–2026 and N up to 150 keep every result inside the covered years.
    private static DateOnly Start(int seed) => new DateOnly(2025, 1, 1).AddDays((int)((uint)seed % 730));

    private static int Count(int seed) => (int)((uint)seed % 150);

    [Property(MaxTest = 500)]
    public bool AddWorkingDays_ThenCount_GivesN(int dateSeed, int nSeed)
    {
        var start = Start(dateSeed);
        var n = Count(nSeed);
        return Cn.WorkingDaysBetween(start, Cn.AddWorkingDays(start, n)) == n;
    }

    [Property(MaxTest = 500)]
    public bool AddWorkingDays_PositiveN_LandsOnWorkingDayAfterStart(int dateSeed, int nSeed)
    {
        var start = Start(dateSeed);
        var n = Count(nSeed) + 1;
        var due = Cn.AddWorkingDays(start, n);
        return due > start && Cn.IsWorkingDay(due) && Cn.AddWorkingDays(start, n - 1) < due;
    }

    [Property(MaxTest = 300)]
    public bool AddWorkingDays_IsAdditive(int dateSeed, int aSeed, int bSeed)
    {
        var start = Start(dateSeed);
        int a = Count(aSeed) / 2, b = Count(bSeed) / 2;
        return Cn.AddWorkingDays(Cn.AddWorkingDays(start, a), b) == Cn.AddWorkingDays(start, a + b);
    }
}
