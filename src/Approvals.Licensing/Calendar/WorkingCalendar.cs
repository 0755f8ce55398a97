namespace Approvals.Licensing.Calendar;

/// <summary>
/// The working days (工作日) of one jurisdiction at one data version: weekends are rest days,
/// statutory holidays are rest days, and make-up working days (调休) on weekends are working days.
/// Dates are local dates in the jurisdiction's time zone (Asia/Shanghai for CN), never the server's.
/// </summary>
/// <remarks>
/// Lookups are O(1): the covered years are expanded once into a day table with a running count of
/// working days, so counting between two dates is a subtraction. Any date outside the covered years
/// throws <see cref="ArgumentOutOfRangeException"/> rather than guessing: a guessed working day
/// would silently move a legal deadline.
/// </remarks>
public sealed class WorkingCalendar
{
    private readonly DateOnly _first;
    private readonly bool[] _working;
    // _cumulative[i] = number of working days in [_first, _first + i - 1]; length = days + 1.
    private readonly int[] _cumulative;

    internal WorkingCalendar(
        string jurisdiction,
        string version,
        TimeZoneInfo timeZone,
        IReadOnlyList<CalendarYear> years,
        Func<DateOnly, bool> isWorkingDay)
    {
        Jurisdiction = jurisdiction;
        Version = version;
        TimeZone = timeZone;
        Years = years;
        _first = new DateOnly(years[0].Year, 1, 1);
        var last = new DateOnly(years[^1].Year, 12, 31);
        var days = last.DayNumber - _first.DayNumber + 1;
        _working = new bool[days];
        _cumulative = new int[days + 1];
        for (var i = 0; i < days; i++)
        {
            _working[i] = isWorkingDay(_first.AddDays(i));
            _cumulative[i + 1] = _cumulative[i] + (_working[i] ? 1 : 0);
        }

        FirstDate = _first;
        LastDate = last;
    }

    /// <summary>Jurisdiction code, e.g. <c>CN</c>.</summary>
    public string Jurisdiction { get; }

    /// <summary>Version of the calendar data; a case pins the version it started with.</summary>
    public string Version { get; }

    /// <summary>The jurisdiction's time zone (Asia/Shanghai for CN).</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>The covered years with their source and status (published or projected).</summary>
    public IReadOnlyList<CalendarYear> Years { get; }

    /// <summary>First covered date (1 January of the first year).</summary>
    public DateOnly FirstDate { get; }

    /// <summary>Last covered date (31 December of the last year).</summary>
    public DateOnly LastDate { get; }

    /// <summary>Whether <paramref name="day"/> is a working day.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The day is outside the covered years.</exception>
    public bool IsWorkingDay(DateOnly day) => _working[Index(day)];

    /// <summary>
    /// The <paramref name="n"/>-th working day strictly after <paramref name="start"/>;
    /// <paramref name="n"/> = 0 returns <paramref name="start"/> itself (working day or not).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">n is negative, or the result is outside the covered years.</exception>
    public DateOnly AddWorkingDays(DateOnly start, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var i = Index(start);
        if (n == 0)
        {
            return start;
        }

        // The answer is the first index j with _cumulative[j + 1] == _cumulative[i + 1] + n.
        var target = _cumulative[i + 1] + n;
        if (target > _cumulative[^1])
        {
            throw new ArgumentOutOfRangeException(
                nameof(n),
                $"{n} working day(s) after {start:yyyy-MM-dd} is beyond the {Jurisdiction} calendar {Version}, which ends {LastDate:yyyy-MM-dd}.");
        }

        // Binary search on the cumulative count: smallest k with _cumulative[k] >= target; the day is k - 1.
        int lo = i + 1, hi = _cumulative.Length - 1;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (_cumulative[mid] >= target)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return _first.AddDays(lo - 1);
    }

    /// <summary>
    /// The number of working days d with <paramref name="fromExclusive"/> &lt; d ≤ <paramref name="toInclusive"/>.
    /// When <paramref name="toInclusive"/> is before <paramref name="fromExclusive"/> the result is the
    /// negated count of the reverse interval, so that the count is additive.
    /// </summary>
    public int WorkingDaysBetween(DateOnly fromExclusive, DateOnly toInclusive)
    {
        var a = Index(fromExclusive);
        var b = Index(toInclusive);
        return _cumulative[b + 1] - _cumulative[a + 1];
    }

    /// <summary>The first working day strictly after <paramref name="day"/>.</summary>
    public DateOnly NextWorkingDay(DateOnly day) => AddWorkingDays(day, 1);

    /// <summary>The local date of an instant in the jurisdiction's time zone.</summary>
    public DateOnly LocalDate(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZone).DateTime);

    /// <summary>The instant the local day begins (local midnight), with the jurisdiction's UTC offset.</summary>
    public DateTimeOffset StartOfDay(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, TimeZone.GetUtcOffset(local));
    }

    /// <summary>
    /// The instant the local day ends, i.e. the next local midnight, with the jurisdiction's UTC offset.
    /// A deadline "on day D" has passed at this instant.
    /// </summary>
    public DateTimeOffset EndOfDay(DateOnly day) => StartOfDay(day.AddDays(1));

    /// <inheritdoc />
    public override string ToString() => $"{Jurisdiction} {Version} ({FirstDate:yyyy}–{LastDate:yyyy})";

    private int Index(DateOnly day)
    {
        var i = day.DayNumber - _first.DayNumber;
        if (i < 0 || i >= _working.Length)
        {
            throw new ArgumentOutOfRangeException(
                nameof(day),
                $"{day:yyyy-MM-dd} is outside the {Jurisdiction} working-day calendar {Version} ({FirstDate:yyyy-MM-dd} to {LastDate:yyyy-MM-dd}).");
        }

        return i;
    }
}
