using Azure;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Supervision;

/// <summary>A stored complaint. One partition (complaints are few), row key newest first then id.</summary>
internal sealed class ComplaintRow : ITableEntity
{
    public const string Partition = "complaints";

    public string PartitionKey { get; set; } = Partition;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Id { get; set; } = string.Empty;

    public string CaseId { get; set; } = string.Empty;

    public string CaseNumber { get; set; } = string.Empty;

    /// <summary>The applicant's token subject, kept for follow-up and never shown in the list.</summary>
    public string ApplicantSubject { get; set; } = string.Empty;

    public string Text { get; set; } = string.Empty;

    public DateTimeOffset At { get; set; }
}

/// <summary>Complaints (投诉) filed by applicants, listed for supervisors newest first.</summary>
internal sealed class ComplaintStore(SupervisionStorage storage)
{
    /// <summary>Row keys of complaints are digits: everything below this.</summary>
    private const string End = ":";

    public async Task<Complaint> AddAsync(NewComplaint complaint, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var id = Guid.NewGuid().ToString("N");
        await storage.Complaints.AddEntityAsync(new ComplaintRow
        {
            RowKey = Paging.Newest(complaint.At) + "-" + id,
            Id = id,
            CaseId = complaint.CaseId,
            CaseNumber = complaint.CaseNumber,
            ApplicantSubject = complaint.ApplicantSubject,
            Text = complaint.Text,
            At = complaint.At,
        }, cancellationToken);
        return new Complaint(id, complaint.CaseId, complaint.CaseNumber, complaint.Text, complaint.At);
    }

    public async Task<Page<Complaint>> ListAsync(string? caseId, string? afterRowKey, int pageSize, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var filter = string.IsNullOrEmpty(caseId) ? null : TableClient.CreateQueryFilter($"CaseId eq {caseId}");
        var page = await Paging.ReadAsync<ComplaintRow>(storage.Complaints, ComplaintRow.Partition, afterRowKey, End, filter, pageSize, cancellationToken);
        return new Page<Complaint>(page.Items.Select(r => new Complaint(r.Id, r.CaseId, r.CaseNumber, r.Text, r.At)).ToList(), page.ContinuationToken);
    }
}
