namespace Approvals.Licensing.Calendar;

/// <summary>Calendar data files are invalid; carries every error found.</summary>
public sealed class CalendarDataException : Exception
{
    /// <summary>Creates the exception from the list of errors.</summary>
    public CalendarDataException(IReadOnlyList<string> errors)
        : base($"The working-day calendar data is invalid ({errors.Count} error(s)):{Environment.NewLine}  "
            + string.Join(Environment.NewLine + "  ", errors))
    {
        Errors = errors;
    }

    /// <summary>Every error, each naming the file and the field.</summary>
    public IReadOnlyList<string> Errors { get; }
}
