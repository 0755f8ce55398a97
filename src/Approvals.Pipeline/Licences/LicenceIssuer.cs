using System.Globalization;
using System.Text.Json;
using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Orchestrations;
using Approvals.Pipeline.Storage;
using Approvals.Licensing.Licences;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;

namespace Approvals.Pipeline.Licences;

/// <summary>
/// Issues the e-licence of an approved case (制证): a licence number, the signed document (JWS), the PDF with the
/// verify QR code in Blob Storage, the public verification row. Idempotent per case: the case-partition licence row
/// is written with "insert" semantics, so a re-run (or a racing duplicate run) ends with the one licence that won.
/// </summary>
internal sealed partial class LicenceIssuer(PipelineStorage storage, CaseStore cases, SequenceAllocator sequences, LicenceKeys keys, CaseClocks clocks, TimeProvider time, Api.PublicUrls urls, ILogger<LicenceIssuer> logger)
{
    /// <param name="c">The case.</param>
    /// <param name="caseRow">The case row as just written (its ETag saves a read when marking the case issued).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public async Task<LicenceRow> IssueAsync(CaseInput c, CaseRow caseRow, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        // Read whether or not the case row names a licence: a run that died after adding the licence row but before
        // marking the case must not draw a second number from the sequence (a gap in the official numbering).
        var licence = await cases.GetLicenceAsync(c.CaseId, cancellationToken) ?? await CreateAsync(c, caseRow, cancellationToken);

        // Both follow-up writes are idempotent, so a re-run after a crash completes them.
        var published = new LicenceRow();
        CopyTo(licence, published, licence.LicenceNumber, LicenceRow.PublishedKeyOf(licence.LicenceNumber));
        await storage.Licences.UpsertEntityAsync(published, TableUpdateMode.Replace, cancellationToken);
        await cases.MarkIssuedAsync(caseRow, licence.LicenceNumber, cancellationToken);
        return licence;
    }

    private async Task<LicenceRow> CreateAsync(CaseInput c, CaseRow row, CancellationToken cancellationToken)
    {
        var type = clocks.Type(c.LicenceTypeId, c.LicenceTypeVersion);
        var calendar = clocks.Calendar(type.Jurisdiction, c.CalendarVersion);
        var applicant = StoredJson.Read<ApplicantDetails>(row.ApplicantJson)!;
        var now = time.GetUtcNow();
        var today = calendar.LocalDate(now);
        var number = LicenceNumbers.Create(type.Code, today, await sequences.NextAsync($"licence|{type.Code}|{today:yyyyMMdd}", 10, cancellationToken));
        var departments = type.Departments.OrderBy(d => d.Role).Select(d => d.Name).ToList();
        var doc = new LicenceDocument(number, c.CaseNumber, type.Id, type.Name, new LicenceHolder(applicant.Name, applicant.IdNumber),
            Scope(row.FormJson, type.Name), now, today, today.AddYears(Licensing.LegalLimits.LicenceValidityYears).AddDays(-1), departments);
        await keys.PublishAsync(cancellationToken);
        var jws = keys.Signer.Sign(doc);
        var pdfBlob = await StorePdfAsync(doc, number, cancellationToken);
        var licence = new LicenceRow
        {
            PartitionKey = c.CaseId,
            RowKey = LicenceRow.CaseRowKeyOf(c.CaseId),
            LicenceNumber = number,
            CaseId = c.CaseId,
            CaseNumber = c.CaseNumber,
            LicenceTypeId = type.Id,
            LicenceTypeName = type.Name,
            HolderName = applicant.Name,
            HolderIdMasked = doc.Holder.MaskedIdNumber,
            IssuedAt = now,
            ValidFrom = doc.ValidFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ValidUntil = doc.ValidUntil.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Jws = jws,
            KeyId = keys.Signer.KeyId,
            PdfBlob = pdfBlob,
        };
        var stored = await cases.AddLicenceAsync(licence, row, cancellationToken);
        if (!ReferenceEquals(stored, licence) && pdfBlob is not null && stored.PdfBlob != pdfBlob)
        {
            // A concurrent run issued first: keep its licence, drop this PDF.
            await storage.LicenceFiles.DeleteBlobIfExistsAsync(pdfBlob, cancellationToken: cancellationToken);
        }

        return stored;
    }

    private async Task<string?> StorePdfAsync(LicenceDocument doc, string number, CancellationToken cancellationToken)
    {
        byte[] pdf;
        try
        {
            pdf = LicencePdf.Render(doc, urls.Verify(number));
        }
        catch (InvalidOperationException e)
        {
            // No CJK font on this host: the signed JSON licence is authoritative; the PDF can be rendered later.
            LogPdfFailed(logger, number, e.Message);
            return null;
        }

        var name = number + ".pdf";
        await storage.LicenceFiles.GetBlobClient(name).UploadAsync(new BinaryData(pdf), new Azure.Storage.Blobs.Models.BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/pdf" },
        }, cancellationToken);
        return name;
    }

    private static string Scope(string formJson, string fallback)
    {
        try
        {
            using var form = JsonDocument.Parse(formJson);
            return form.RootElement.TryGetProperty("scope", out var s) && s.ValueKind == JsonValueKind.String && s.GetString() is { Length: > 0 } scope ? scope : fallback;
        }
        catch (JsonException)
        {
            return fallback;
        }
    }

    private static void CopyTo(LicenceRow from, LicenceRow to, string partitionKey, string rowKey)
    {
        foreach (var p in typeof(LicenceRow).GetProperties().Where(p => p.CanWrite && p.Name is not (nameof(LicenceRow.ETag) or nameof(LicenceRow.Timestamp))))
        {
            p.SetValue(to, p.GetValue(from));
        }

        to.PartitionKey = partitionKey;
        to.RowKey = rowKey;
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Licence {LicenceNumber}: PDF not rendered: {Reason}")]
    private static partial void LogPdfFailed(ILogger logger, string licenceNumber, string reason);
}
