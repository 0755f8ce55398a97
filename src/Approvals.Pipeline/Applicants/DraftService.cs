using System.Security.Cryptography;
using System.Text;
using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Storage;
using Approvals.Licensing.Cases;
using Approvals.Licensing.Catalogue;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Applicants;

/// <summary>The outcome of creating a draft.</summary>
internal abstract record DraftOutcome
{
    public sealed record Created(CaseRow Case, bool Replayed) : DraftOutcome;

    /// <summary>The Idempotency-Key was used before with a different body.</summary>
    public sealed record KeyReused : DraftOutcome;
}

/// <summary>
/// Creates drafts. With an <c>Idempotency-Key</c> the key row (per applicant) is written first and names the case id,
/// so a retried POST — even after a crash between the two writes — yields the same case, never a second one.
/// </summary>
internal sealed class DraftService(PipelineStorage storage, CaseStore cases, SequenceAllocator sequences, CaseClocks clocks, TimeProvider time, IConfiguration configuration)
{
    private readonly string _region = configuration["Approvals:RegionCode"] is { Length: 6 } r ? r : "310000";

    public async Task<DraftOutcome> CreateAsync(string subject, string? idempotencyKey, LicenceType type, ApplicantDetails applicant, string formJson, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var owner = TableKeys.Escape(subject);
        var caseId = Guid.NewGuid().ToString("N");
        var replayed = false;
        if (idempotencyKey is not null)
        {
            var hash = Hash(type.Id, applicant, formJson);
            var keyRow = new TableEntity(owner, "idem|" + TableKeys.Escape(idempotencyKey)) { ["CaseId"] = caseId, ["RequestHash"] = hash };
            if (!await storage.Applicants.TryAddAsync(keyRow, cancellationToken))
            {
                var existing = (await storage.Applicants.GetEntityAsync<TableEntity>(keyRow.PartitionKey, keyRow.RowKey, cancellationToken: cancellationToken)).Value;
                if (existing.GetString("RequestHash") != hash)
                {
                    return new DraftOutcome.KeyReused();
                }

                caseId = existing.GetString("CaseId");
                replayed = true;
                if (await cases.GetCaseAsync(caseId, cancellationToken) is { } found)
                {
                    return new DraftOutcome.Created(found, true);
                }
            }
        }

        var now = time.GetUtcNow();
        var calendar = clocks.Calendar(type.Jurisdiction, null);
        var date = calendar.LocalDate(now);
        var sequence = await sequences.NextAsync($"case|{_region}|{date:yyyyMMdd}|{type.Code}", 20, cancellationToken);
        var row = new CaseRow
        {
            PartitionKey = caseId,
            RowKey = CaseRow.KeyOf(caseId),
            Number = CaseNumber.Create(_region, date, type.Code, sequence).ToString(),
            ApplicantSubject = subject,
            ApplicantJson = StoredJson.Write(applicant),
            FormJson = formJson,
            LicenceTypeId = type.Id,
            LicenceTypeVersion = type.Version,
            Jurisdiction = type.Jurisdiction,
            Status = CaseStatus.Draft,
            CreatedAt = now,
        };
        // A concurrent retry with the same key may win the race: then its case is the answer.
        (row, var created) = await cases.CreateDraftAsync(row, cancellationToken);
        replayed |= !created;

        var index = new TableEntity(owner, "case|" + caseId) { ["Number"] = row.Number, ["LicenceTypeId"] = row.LicenceTypeId, ["CreatedAt"] = row.CreatedAt };
        await storage.Applicants.UpsertEntityAsync(index, TableUpdateMode.Replace, cancellationToken);
        return new DraftOutcome.Created(row, replayed);
    }

    public async Task<IReadOnlyList<CaseSummary>> ListAsync(string subject, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var owner = TableKeys.Escape(subject);
        var filter = $"PartitionKey eq {TableKeys.Literal(owner)} and RowKey ge 'case|' and RowKey lt 'case}}'";
        var list = new List<CaseSummary>();
        await foreach (var e in storage.Applicants.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            list.Add(new CaseSummary(e.RowKey["case|".Length..], e.GetString("Number"), e.GetString("LicenceTypeId"), e.GetDateTimeOffset("CreatedAt") ?? default));
        }

        return list.OrderByDescending(c => c.CreatedAt).ToList();
    }

    private static string Hash(string typeId, ApplicantDetails applicant, string formJson) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(typeId + "\n" + StoredJson.Write(applicant) + "\n" + formJson)));
}
