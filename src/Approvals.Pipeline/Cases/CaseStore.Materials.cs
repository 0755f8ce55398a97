using Approvals.Pipeline.Licences;
using Approvals.Pipeline.Storage;
using Azure;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Cases;

/// <summary>Material records and the case's licence row.</summary>
internal sealed partial class CaseStore
{
    /// <summary>
    /// Records an uploaded material version — only if the case still accepts it when the record commits. The record
    /// is added in one transaction with a merge of the case row conditional on the ETag the acceptance was checked
    /// on (<paramref name="checkedOn"/>): every change that can end the acceptance of a material (submit, withdrawal,
    /// a decision; a supplement request answered in full, whose step row is written in one transaction with the case
    /// row, see <see cref="ResumeStepAsync"/>) writes the case row, so if any happened since the check the
    /// transaction fails, the case is read again and <paramref name="refusal"/> asked again. Returns the row as
    /// stored, or the refusal (nothing written; the caller removes the blob it staged).
    /// </summary>
    public async Task<(MaterialRow? Stored, string? Refusal)> AddMaterialAsync(MaterialRow row, CaseRow checkedOn, Func<CaseSnapshot, string?> refusal, CancellationToken cancellationToken)
    {
        var guard = checkedOn;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            row.RowKey = MaterialRow.KeyFor(row.PartitionKey, row.MaterialId, row.Version);
            var bump = new TableEntity(guard.PartitionKey, guard.RowKey) { [nameof(CaseRow.MaterialsChangedAt)] = row.UploadedAt };
            try
            {
                await Table.SubmitTransactionAsync(
                    [new TableTransactionAction(TableTransactionActionType.Add, row), new TableTransactionAction(TableTransactionActionType.UpdateMerge, bump, guard.ETag), CaseViewRow.Of(row)],
                    cancellationToken);
                return (row, null);
            }
            catch (TableTransactionFailedException e) when (e.Status == 409 && e.FailedTransactionActionIndex is null or 0)
            {
                row.Version++; // a concurrent upload of the same material took this version
                continue;
            }
            catch (TableTransactionFailedException e) when (e.Status is 412 or 404)
            {
                // The case changed since the check (or went): check again on the case as stored now.
            }

            var now = await LoadAsync(row.PartitionKey, cancellationToken);
            if (now is null)
            {
                return (null, "The application no longer exists.");
            }

            if (refusal(now) is { } reason)
            {
                return (null, reason);
            }

            guard = now.Case;
            row.Version = Math.Max(row.Version, now.Materials.Where(m => m.MaterialId == row.MaterialId).Select(m => m.Version).DefaultIfEmpty(0).Max() + 1);
        }

        return (null, "The application is changing too often; retry the upload.");
    }

    /// <summary>One stored material version (one point read), or null.</summary>
    public async Task<MaterialRow?> GetMaterialAsync(string caseId, string materialId, int version, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var found = await Table.GetEntityIfExistsAsync<MaterialRow>(caseId, MaterialRow.KeyFor(caseId, materialId, version), cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>The licence row of the case, if one was issued (or is being issued).</summary>
    public async Task<LicenceRow?> GetLicenceAsync(string caseId, CancellationToken cancellationToken)
    {
        if (!IsValidCaseId(caseId))
        {
            return null;
        }

        await storage.EnsureCreatedAsync(cancellationToken);
        var found = await Table.GetEntityIfExistsAsync<LicenceRow>(caseId, LicenceRow.CaseRowKeyOf(caseId), cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>
    /// Adds the case's one licence row (insert semantics: a re-run or a racing duplicate run ends with the licence that
    /// won); the row as stored. Only an Approved (or already Issued) case gets one.
    /// </summary>
    public async Task<LicenceRow> AddLicenceAsync(LicenceRow licence, CaseRow approved, CancellationToken cancellationToken)
    {
        if (approved.Status is not (CaseStatus.Approved or CaseStatus.Issued))
        {
            throw new InvalidOperationException($"Case {approved.PartitionKey} is {approved.Status}: no licence can be issued.");
        }

        if (await Table.TryAddAsync(licence, cancellationToken))
        {
            return licence;
        }

        return (await Table.GetEntityAsync<LicenceRow>(licence.PartitionKey, licence.RowKey, cancellationToken: cancellationToken)).Value;
    }
}
