using System.Globalization;
using System.Text.Json;

namespace Approvals.Licensing.Calendar;

/// <summary>
/// Reads one calendar data file (format: docs/licensing.md, "Working-day calendar") and checks it,
/// adding every problem to the error list instead of stopping at the first.
/// </summary>
internal static class CalendarFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static WorkingCalendar? Parse(string source, string json, List<string> errors)
    {
        CalendarDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<CalendarDto>(json, Options);
        }
        catch (JsonException ex)
        {
            errors.Add($"{source}: not valid calendar JSON: {ex.Message}");
            return null;
        }

        if (dto is null)
        {
            errors.Add($"{source}: empty calendar file.");
            return null;
        }

        var before = errors.Count;
        var where = $"{source} ({dto.Jurisdiction} {dto.Version})";
        Require(!string.IsNullOrWhiteSpace(dto.Jurisdiction), $"{where}: 'jurisdiction' is required.", errors);
        Require(!string.IsNullOrWhiteSpace(dto.Version), $"{where}: 'version' is required.", errors);
        var timeZone = ResolveTimeZone(dto.TimeZone, where, errors);
        var weekend = ParseWeekend(dto.Weekend, where, errors);
        var years = new List<CalendarYear>();
        if (dto.Years is null || dto.Years.Count == 0)
        {
            errors.Add($"{where}: 'years' must list at least one year.");
        }
        else
        {
            foreach (var y in dto.Years.OrderBy(y => y.Year))
            {
                var year = ParseYear(y, where, weekend, errors);
                if (year is not null)
                {
                    years.Add(year);
                }
            }

            for (var i = 1; i < years.Count; i++)
            {
                Require(years[i].Year == years[i - 1].Year + 1, $"{where}: years must be contiguous, {years[i - 1].Year} is followed by {years[i].Year}.", errors);
            }
        }

        if (errors.Count > before || timeZone is null || years.Count == 0)
        {
            return null;
        }

        var first = new DateOnly(years[0].Year, 1, 1);
        var last = new DateOnly(years[^1].Year, 12, 31);
        var rest = new HashSet<DateOnly>();
        var makeUp = new HashSet<DateOnly>();
        foreach (var year in years)
        {
            foreach (var h in year.Holidays)
            {
                for (var d = h.From; d <= h.To; d = d.AddDays(1))
                {
                    Require(d >= first && d <= last, $"{where}: holiday {h.Name} day {d:yyyy-MM-dd} is outside the covered years.", errors);
                    Require(rest.Add(d), $"{where}: {d:yyyy-MM-dd} is listed in two holidays.", errors);
                }
            }

            foreach (var d in year.MakeUpWorkingDays)
            {
                Require(makeUp.Add(d), $"{where}: make-up working day {d:yyyy-MM-dd} is listed twice.", errors);
            }
        }

        foreach (var d in makeUp.Where(rest.Contains))
        {
            errors.Add($"{where}: {d:yyyy-MM-dd} is both a holiday and a make-up working day.");
        }

        if (errors.Count > before)
        {
            return null;
        }

        return new WorkingCalendar(
            dto.Jurisdiction!,
            dto.Version!,
            timeZone,
            years,
            d => !rest.Contains(d) && (makeUp.Contains(d) || !weekend.Contains(d.DayOfWeek)));
    }

    private static CalendarYear? ParseYear(YearDto y, string where, HashSet<DayOfWeek> weekend, List<string> errors)
    {
        var before = errors.Count;
        var at = $"{where} year {y.Year}";
        Require(y.Year is >= 1990 and <= 2100, $"{at}: 'year' must be a calendar year.", errors);
        CalendarYearStatus status = default;
        switch (y.Status?.ToUpperInvariant())
        {
            case "PUBLISHED": status = CalendarYearStatus.Published; break;
            case "PROJECTED": status = CalendarYearStatus.Projected; break;
            default: errors.Add($"{at}: 'status' must be \"published\" or \"projected\", not '{y.Status}'."); break;
        }

        Require(!string.IsNullOrWhiteSpace(y.Source), $"{at}: 'source' (the notice the data comes from) is required.", errors);
        var holidays = new List<CalendarHoliday>();
        foreach (var h in y.Holidays ?? [])
        {
            var from = ParseDate(h.From, $"{at} holiday {h.Name} 'from'", errors);
            var to = ParseDate(h.To ?? h.From, $"{at} holiday {h.Name} 'to'", errors);
            Require(!string.IsNullOrWhiteSpace(h.Name), $"{at}: every holiday needs a 'name'.", errors);
            if (from is { } f && to is { } t)
            {
                Require(f <= t, $"{at} holiday {h.Name}: 'from' {f:yyyy-MM-dd} is after 'to' {t:yyyy-MM-dd}.", errors);
                holidays.Add(new CalendarHoliday(h.Name ?? "", f, t));
            }
        }

        var makeUp = new List<DateOnly>();
        foreach (var m in y.MakeUpWorkingDays ?? [])
        {
            if (ParseDate(m.Date, $"{at} make-up working day", errors) is { } d)
            {
                // A make-up day on a weekday would change nothing: it is almost certainly a typo.
                Require(weekend.Contains(d.DayOfWeek), $"{at}: make-up working day {d:yyyy-MM-dd} is a {d.DayOfWeek}, not a weekend day.", errors);
                Require(d.Year == y.Year, $"{at}: make-up working day {d:yyyy-MM-dd} is not in {y.Year}.", errors);
                makeUp.Add(d);
            }
        }

        return errors.Count > before ? null : new CalendarYear(y.Year, status, y.Source!, holidays, makeUp);
    }

    private static HashSet<DayOfWeek> ParseWeekend(List<string>? names, string where, List<string> errors)
    {
        var result = new HashSet<DayOfWeek>();
        foreach (var n in names ?? ["Saturday", "Sunday"])
        {
            if (Enum.TryParse<DayOfWeek>(n, ignoreCase: true, out var d) && Enum.IsDefined(d) && !int.TryParse(n, out _))
            {
                result.Add(d);
            }
            else
            {
                errors.Add($"{where}: 'weekend' entry '{n}' is not a day of the week.");
            }
        }

        return result;
    }

    private static TimeZoneInfo? ResolveTimeZone(string? id, string where, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            errors.Add($"{where}: 'timeZone' is required (an IANA id such as Asia/Shanghai).");
            return null;
        }

        if (TimeZoneInfo.TryFindSystemTimeZoneById(id, out var tz))
        {
            return tz;
        }

        // Machines without tzdata (slim containers): China has had no daylight saving time since 1991,
        // so a fixed UTC+8 zone is exact for every covered year.
        if (string.Equals(id, "Asia/Shanghai", StringComparison.Ordinal))
        {
            return TimeZoneInfo.CreateCustomTimeZone("Asia/Shanghai", TimeSpan.FromHours(8), "China Standard Time", "China Standard Time");
        }

        errors.Add($"{where}: time zone '{id}' is unknown on this machine.");
        return null;
    }

    private static DateOnly? ParseDate(string? s, string what, List<string> errors)
    {
        if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return d;
        }

        errors.Add($"{what}: '{s}' is not a yyyy-MM-dd date.");
        return null;
    }

    private static void Require(bool condition, string error, List<string> errors)
    {
        if (!condition)
        {
            errors.Add(error);
        }
    }

    private sealed record CalendarDto(string? Jurisdiction, string? Version, string? TimeZone, List<string>? Weekend, List<YearDto>? Years);

    private sealed record YearDto(int Year, string? Status, string? Source, List<HolidayDto>? Holidays, List<MakeUpDto>? MakeUpWorkingDays);

    private sealed record HolidayDto(string? Name, string? From, string? To);

    private sealed record MakeUpDto(string? Date, string? Note);
}
