using Azure;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Licences;

/// <summary>
/// An issued e-licence. Stored twice with the same content: in the case partition (row <c>{caseId}|licence</c>, the
/// idempotency anchor of issuance: one licence per case, whoever runs the activity) and in the licence table
/// (partition and row = licence number) for public verification.
/// </summary>
internal sealed class LicenceRow : ITableEntity
{
    public static string CaseRowKeyOf(string caseId) => Cases.CaseKeys.Row(caseId, "licence");

    /// <summary>
    /// The row key in the licence table: the licence number again, not a constant shared by every licence (the
    /// emulator scans all rows sharing a row key; see <see cref="Cases.CaseKeys"/>).
    /// </summary>
    public static string PublishedKeyOf(string licenceNumber) => licenceNumber;

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string LicenceNumber { get; set; } = "";
    public string CaseId { get; set; } = "";
    public string CaseNumber { get; set; } = "";
    public string LicenceTypeId { get; set; } = "";
    public string LicenceTypeName { get; set; } = "";
    public string HolderName { get; set; } = "";
    public string HolderIdMasked { get; set; } = "";
    public DateTimeOffset IssuedAt { get; set; }
    public string ValidFrom { get; set; } = "";
    public string ValidUntil { get; set; } = "";
    /// <summary>The signed licence (compact JWS, ES256).</summary>
    public string Jws { get; set; } = "";
    public string KeyId { get; set; } = "";
    public string? PdfBlob { get; set; }
    public string Status { get; set; } = "Valid";
}
