using Approvals.Licensing.Applicants;
using Azure;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Supervision;

/// <summary>
/// A published decision. Partition <c>register</c>; entries keyed newest first (<c>{inverted ticks}-{case}</c>), plus a
/// marker row <c>~case~{case}</c> per case written in the same transaction, so a case is published once however often
/// the publishing activity runs. Only masked data is ever stored here.
/// </summary>
internal sealed class RegisterRow : ITableEntity
{
    public const string Partition = "register";
    public const string MarkerPrefix = "~case~";

    /// <summary>Entry row keys are digits; markers start with '~'.</summary>
    public const string EntriesEnd = ":";

    public string PartitionKey { get; set; } = Partition;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string CaseNumber { get; set; } = string.Empty;

    public string LicenceTypeId { get; set; } = string.Empty;

    public string LicenceTypeName { get; set; } = string.Empty;

    /// <summary>A person's name masked (first character kept), an organisation's whole.</summary>
    public string Applicant { get; set; } = string.Empty;

    public string Decision { get; set; } = string.Empty;

    public DateTimeOffset DecidedAt { get; set; }

    public string? LicenceNumber { get; set; }

    /// <summary>On the marker: the entry's row key.</summary>
    public string? EntryRowKey { get; set; }
}

/// <summary>One decision as the public sees it (外网公示).</summary>
internal sealed record RegisterView(string CaseNumber, string LicenceTypeId, string LicenceTypeName, string Applicant, string Decision, DateTimeOffset DecidedAt, string? LicenceNumber);

/// <summary>The public register of decisions, personal data masked before it is stored.</summary>
internal sealed class PublicRegister(SupervisionStorage storage)
{
    public async Task PublishAsync(RegisterEntry entry, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var caseKey = Storage.TableKeys.Escape(entry.CaseId);
        var rowKey = Paging.Newest(entry.DecidedAt) + "-" + caseKey;
        var row = new RegisterRow
        {
            RowKey = rowKey,
            CaseNumber = entry.CaseNumber,
            LicenceTypeId = entry.LicenceTypeId,
            LicenceTypeName = entry.LicenceTypeName,
            Applicant = Masking.Name(entry.ApplicantName, entry.ApplicantKind),
            Decision = entry.Decision,
            DecidedAt = entry.DecidedAt,
            LicenceNumber = entry.LicenceNumber,
        };
        var marker = new RegisterRow { RowKey = RegisterRow.MarkerPrefix + caseKey, CaseNumber = entry.CaseNumber, DecidedAt = entry.DecidedAt, EntryRowKey = rowKey };
        try
        {
            await storage.Register.SubmitTransactionAsync(
                [new(TableTransactionActionType.Add, marker), new(TableTransactionActionType.UpsertReplace, row)], cancellationToken);
        }
        catch (TableTransactionFailedException e) when (SupervisionErrors.IsAlreadyExists(e))
        {
            // Already published: a re-run of the publishing activity.
        }
    }

    /// <summary>The decisions published, the cases' final statuses (<c>status</c> filter of the register).</summary>
    public static readonly IReadOnlyList<string> Decisions = ["Approved", "Rejected"];

    public async Task<Page<RegisterView>> ListAsync(string? afterRowKey, int pageSize, string? decision, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var filter = decision is null ? null : TableClient.CreateQueryFilter($"Decision eq {decision}");
        var page = await Paging.ReadAsync<RegisterRow>(storage.Register, RegisterRow.Partition, afterRowKey, RegisterRow.EntriesEnd, filter, pageSize, cancellationToken);
        return new Page<RegisterView>(
            page.Items.Select(r => new RegisterView(r.CaseNumber, r.LicenceTypeId, r.LicenceTypeName, r.Applicant, r.Decision, r.DecidedAt, r.LicenceNumber)).ToList(),
            page.ContinuationToken);
    }
}

/// <summary>Masking of personal data for public output.</summary>
internal static class Masking
{
    /// <summary>A person's name with only its first character kept (张三 → 张*, 欧阳娜娜 → 欧***); an organisation's whole.</summary>
    public static string Name(string? name, ApplicantKind kind) => PublicNames.Of(name, kind);
}
