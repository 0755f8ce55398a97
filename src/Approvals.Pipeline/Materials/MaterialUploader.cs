using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Storage;
using Approvals.Licensing.Catalogue;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Approvals.Pipeline.Materials;

/// <summary>What became of an upload.</summary>
internal abstract record UploadOutcome
{
    public sealed record Stored(MaterialRow Material) : UploadOutcome;

    public sealed record TooLarge(long MaxBytes) : UploadOutcome;

    public sealed record ContentMismatch(string Declared, string? Detected) : UploadOutcome;

    public sealed record Empty : UploadOutcome;

    /// <summary>The case stopped accepting this material before the record could commit (nothing kept).</summary>
    public sealed record Refused(string Reason) : UploadOutcome;
}

/// <summary>
/// Streams a material into Blob Storage. The body is read block by block (never whole into memory), hashed with
/// SHA-256 on the way, checked against the declared type by its first bytes and against the size limit while it
/// streams. Blocks are staged uncommitted — invisible, no blob exists yet — and the block list is committed only
/// after every check passed; the table record is written last, by the case aggregate, and only if the case still
/// accepts the material then. Any failure or refusal removes what was staged or committed, so a rejected upload
/// leaves neither a partial blob nor a record.
/// </summary>
internal sealed partial class MaterialUploader(PipelineStorage storage, CaseStore cases, TimeProvider time, ILogger<MaterialUploader> logger)
{
    /// <summary>Block size: two blocks in flight bound the memory an upload holds, whatever its size.</summary>
    public const int BlockSize = 4 * 1024 * 1024;

    public async Task<UploadOutcome> UploadAsync(CaseSnapshot checkedOn, Func<CaseSnapshot, string?> refusal, MaterialRequirement requirement, string contentType, string fileName, Stream body, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var caseId = checkedOn.Case.PartitionKey;
        var blobName = $"{caseId}/{requirement.Id}/{Guid.NewGuid():N}";
        var blob = storage.Materials.GetBlockBlobClient(blobName);
        var blockIds = new List<string>();
        var committed = false;
        var recorded = false;
        var reading = ArrayPool<byte>.Shared.Rent(BlockSize);
        var staging = ArrayPool<byte>.Shared.Rent(BlockSize);
        Task? inFlight = null;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            long total = 0;
            while (true)
            {
                var n = await ReadBlockAsync(body, reading, cancellationToken);
                if (n == 0)
                {
                    break;
                }

                if (total == 0 && !ContentSniffer.Matches(contentType, reading.AsSpan(0, n)))
                {
                    return new UploadOutcome.ContentMismatch(contentType, ContentSniffer.Detect(reading.AsSpan(0, n)));
                }

                total += n;
                if (total > requirement.MaxBytes)
                {
                    return new UploadOutcome.TooLarge(requirement.MaxBytes);
                }

                sha.AppendData(reading, 0, n);
                var blockId = Convert.ToBase64String(Encoding.ASCII.GetBytes(blockIds.Count.ToString("D6", CultureInfo.InvariantCulture)));
                blockIds.Add(blockId);
                if (inFlight is not null)
                {
                    await inFlight;
                }

                inFlight = blob.StageBlockAsync(blockId, new MemoryStream(reading, 0, n, writable: false), cancellationToken: cancellationToken);
                (reading, staging) = (staging, reading);
            }

            if (inFlight is not null)
            {
                await inFlight;
                inFlight = null;
            }

            if (total == 0)
            {
                return new UploadOutcome.Empty();
            }

            var sha256 = Convert.ToHexStringLower(sha.GetHashAndReset());
            await blob.CommitBlockListAsync(blockIds, new CommitBlockListOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                Metadata = new Dictionary<string, string> { ["sha256"] = sha256, ["material"] = requirement.Id },
            }, cancellationToken);
            committed = true;

            var row = new MaterialRow
            {
                PartitionKey = caseId,
                MaterialId = requirement.Id,
                Version = checkedOn.Materials.Where(m => m.MaterialId == requirement.Id).Select(m => m.Version).DefaultIfEmpty(0).Max() + 1,
                FileName = fileName,
                ContentType = contentType,
                Size = total,
                Sha256 = sha256,
                BlobName = blobName,
                UploadedAt = time.GetUtcNow(),
            };
            // Recorded only if the case still accepts the material at commit time (see CaseStore.AddMaterialAsync);
            // otherwise the blob is removed below and the upload refused.
            var (stored, reason) = await cases.AddMaterialAsync(row, checkedOn.Case, refusal, cancellationToken);
            if (stored is null)
            {
                return new UploadOutcome.Refused(reason!);
            }

            recorded = true;
            return new UploadOutcome.Stored(stored);
        }
        finally
        {
            if (inFlight is not null)
            {
                try
                {
                    await inFlight;
                }
                catch (Exception e) when (e is RequestFailedException or OperationCanceledException)
                {
                    // The upload is being abandoned anyway.
                }
            }

            ArrayPool<byte>.Shared.Return(reading);
            ArrayPool<byte>.Shared.Return(staging);
            if (!recorded && (committed || blockIds.Count > 0))
            {
                await DiscardAsync(blob, committed, blobName);
            }
        }
    }

    /// <summary>Removes a committed blob, or the uncommitted blocks of one (committing an empty list drops them).</summary>
    private async Task DiscardAsync(BlockBlobClient blob, bool committed, string blobName)
    {
        try
        {
            if (!committed)
            {
                await blob.CommitBlockListAsync([], cancellationToken: CancellationToken.None);
            }

            await blob.DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
        }
        catch (RequestFailedException e)
        {
            // Uncommitted blocks expire on their own (7 days); a committed orphan is unreferenced by any record.
            LogDiscardFailed(logger, blobName, e.Status);
        }
    }

    private static async Task<int> ReadBlockAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < BlockSize)
        {
            var n = await body.ReadAsync(buffer.AsMemory(filled, BlockSize - filled), cancellationToken);
            if (n == 0)
            {
                break;
            }

            filled += n;
        }

        return filled;
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Could not discard rejected upload blob {BlobName} (status {Status}).")]
    private static partial void LogDiscardFailed(ILogger logger, string blobName, int status);
}
