using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Storage;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Applicants;

/// <summary>The applicant's own case list filtered by case status (<c>GET /api/applications?status=</c>).</summary>
internal static class ApplicantCaseList
{
    /// <summary>Every status of the HTTP contract, in the order a case goes through them.</summary>
    public static readonly IReadOnlyList<string> Statuses =
    [
        CaseStatus.Draft, CaseStatus.Submitted, CaseStatus.AwaitingSupplement, CaseStatus.Accepted, CaseStatus.NotAccepted,
        CaseStatus.InReview, CaseStatus.Approved, CaseStatus.Rejected, CaseStatus.Issued, CaseStatus.Withdrawn,
    ];

    private static readonly string[] StatusColumn = [nameof(CaseRow.Status)];

    /// <summary>
    /// The cases of <paramref name="all"/> now in <paramref name="status"/>. The applicant index holds no status (it
    /// changes with every step), so each case's row is read, only its status column, a few at a time.
    /// </summary>
    public static async Task<IReadOnlyList<CaseSummary>> WithStatusAsync(
        IReadOnlyList<CaseSummary> all, string status, PipelineStorage storage, CancellationToken cancellationToken)
    {
        var matches = new bool[all.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, all.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var id = all[i].Id;
            var row = await storage.Cases.GetEntityIfExistsAsync<TableEntity>(id, CaseRow.KeyOf(id), StatusColumn, ct);
            matches[i] = row.HasValue && row.Value?.GetString(nameof(CaseRow.Status)) == status;
        });
        return all.Where((_, i) => matches[i]).ToList();
    }
}
