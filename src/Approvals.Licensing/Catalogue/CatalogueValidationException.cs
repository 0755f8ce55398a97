namespace Approvals.Licensing.Catalogue;

/// <summary>
/// The catalogue data is invalid. Carries every error found, not just the first, so an operator
/// fixes a data file in one round (the same 一次性告知 principle the app applies to applicants).
/// </summary>
public sealed class CatalogueValidationException : Exception
{
    /// <summary>Creates the exception from the list of errors.</summary>
    public CatalogueValidationException(IReadOnlyList<string> errors)
        : base(BuildMessage(errors))
    {
        Errors = errors;
    }

    /// <summary>Every error, each naming the file, the licence type and the field.</summary>
    public IReadOnlyList<string> Errors { get; }

    private static string BuildMessage(IReadOnlyList<string> errors) =>
        $"The licence catalogue is invalid ({errors.Count} error(s)):{Environment.NewLine}  "
        + string.Join(Environment.NewLine + "  ", errors);
}
