using System.Globalization;
using System.Text;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Approvals.Pipeline.Supervision;

/// <summary>One anchored chain head: the entry at <see cref="Seq"/> had this hash.</summary>
internal sealed record TimelineAnchor(long Seq, string Hash);

/// <summary>
/// Anchors chain heads outside the table: when a case reaches its final event its head (seq and hash) is appended to an
/// append blob in the <c>timeline-anchors</c> container, which the infrastructure puts under a time-based immutability
/// policy with protected append writes. Someone able to rewrite the table (recomputing every hash and the head) still
/// cannot change what was anchored, and verification compares the two. Best effort: a failed anchor is logged, and the
/// case never waits on it (supervision only observes).
/// </summary>
internal sealed partial class TimelineAnchors(SupervisionStorage storage, ILogger<TimelineAnchors> logger)
{
    // The last event of a case however it ends: decided cases end with Published (after Approved/Rejected and
    // LicenceIssued), the others with Withdrawn or NotAccepted. One anchor per case keeps it to two blob requests.
    private static readonly HashSet<string> FinalTypes = new(StringComparer.Ordinal)
    {
        "Published", "Withdrawn", "NotAccepted",
    };

    private volatile bool _containerReady;

    public static bool IsFinal(string type) => FinalTypes.Contains(type);

    public async Task AnchorAsync(string caseId, TimelineRow row, CancellationToken cancellationToken)
    {
        try
        {
            if (!_containerReady)
            {
                await storage.Anchors.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                _containerReady = true;
            }

            var blob = storage.Anchors.GetAppendBlobClient(BlobName(caseId));
            await blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            var line = string.Create(CultureInfo.InvariantCulture, $"{row.Seq} {row.Hash} {row.At}\n");
            using var content = new MemoryStream(Encoding.UTF8.GetBytes(line));
            await blob.AppendBlockAsync(content, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogAnchorFailed(logger, row.Seq, e);
        }
    }

    public async Task<IReadOnlyList<TimelineAnchor>> ReadAsync(string caseId, CancellationToken cancellationToken)
    {
        BlobDownloadResult content;
        try
        {
            content = (await storage.Anchors.GetAppendBlobClient(BlobName(caseId)).DownloadContentAsync(cancellationToken)).Value;
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return [];
        }

        var anchors = new List<TimelineAnchor>();
        foreach (var line in content.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ');
            if (parts.Length >= 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
            {
                anchors.Add(new TimelineAnchor(seq, parts[1]));
            }
        }

        return anchors;
    }

    private string BlobName(string caseId) => storage.Prefix + "/" + Uri.EscapeDataString(caseId) + ".anchors";

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Anchoring the timeline head at seq {Seq} failed; the table chain stands on its own.")]
    private static partial void LogAnchorFailed(ILogger logger, long seq, Exception exception);
}
