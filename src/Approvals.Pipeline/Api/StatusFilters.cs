using Microsoft.AspNetCore.Http.HttpResults;

namespace Approvals.Pipeline.Api;

/// <summary>
/// The <c>status</c> query parameter of list routes. A value the list does not know is a 400, never ignored: a client
/// that misspells a status (or asks a list that has no status filter) must not take the unfiltered list for the
/// filtered one.
/// </summary>
internal static class StatusFilters
{
    /// <summary>
    /// Matches <paramref name="value"/> to one of <paramref name="known"/>, ignoring case, dashes and underscores
    /// (<c>in-review</c>, <c>IN_REVIEW</c> and <c>InReview</c> are one status). Empty or absent: no filter.
    /// </summary>
    public static bool TryParse(string? value, IReadOnlyList<string> known, out string? status)
    {
        status = null;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        var key = Key(value);
        status = known.FirstOrDefault(k => Key(k) == key);
        return status is not null;
    }

    /// <summary>The 400 problem for an unknown status, with the field error listed like every validation problem.</summary>
    public static ProblemHttpResult Unknown(IReadOnlyList<string> known)
    {
        var message = known.Count == 0
            ? "This list has no status filter."
            : $"Unknown status: one of {string.Join(", ", known)}.";
        return Problems.Create(StatusCodes.Status400BadRequest, "invalid-status", "Unknown status filter.", message,
            new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["status"] = [message] } });
    }

    private static string Key(string value) =>
        value.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToUpperInvariant();
}
