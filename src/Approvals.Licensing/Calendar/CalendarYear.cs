namespace Approvals.Licensing.Calendar;

/// <summary>Whether a year's holiday data comes from the published notice or is projected.</summary>
public enum CalendarYearStatus
{
    /// <summary>Taken from the State Council's published holiday arrangement notice.</summary>
    Published,

    /// <summary>
    /// Derived from the statutory holidays and the usual pattern because no notice was available when
    /// the data was written. A new calendar version replaces it once the notice is published.
    /// </summary>
    Projected,
}

/// <summary>One year of a working-day calendar.</summary>
/// <param name="Year">The calendar year.</param>
/// <param name="Status">Published or projected.</param>
/// <param name="Source">The notice the data comes from (or the basis of the projection).</param>
/// <param name="Holidays">Rest days other than ordinary weekends (法定节假日 and the days joined to them).</param>
/// <param name="MakeUpWorkingDays">Weekend days that are working days (调休上班).</param>
public sealed record CalendarYear(
    int Year,
    CalendarYearStatus Status,
    string Source,
    IReadOnlyList<CalendarHoliday> Holidays,
    IReadOnlyList<DateOnly> MakeUpWorkingDays);

/// <summary>A named holiday period (inclusive dates).</summary>
/// <param name="Name">Holiday name, e.g. 春节.</param>
/// <param name="From">First rest day.</param>
/// <param name="To">Last rest day (inclusive).</param>
public sealed record CalendarHoliday(string Name, DateOnly From, DateOnly To);
