using Approvals.Pipeline.Storage;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace Approvals.Pipeline.Supervision;

/// <summary>
/// The tables of electronic supervision, named from <c>Approvals:TablePrefix</c> (tests use a unique prefix per class),
/// created lazily once per process. Only the supervision code writes them: the pipeline goes through
/// <see cref="SupervisionRecorder"/>.
/// </summary>
internal sealed class SupervisionStorage : IDisposable
{
    /// <summary>The append-only anchor container; the infrastructure gives it a time-based immutability policy.</summary>
    public const string DefaultAnchorContainer = "timeline-anchors";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _ready;

    public SupervisionStorage(StorageConnection connection, IConfiguration configuration)
    {
        Prefix = configuration["Approvals:TablePrefix"] is { Length: > 0 } p ? p : "approvals";
        Timeline = connection.Tables.GetTableClient(Prefix + "Timeline");
        Alerts = connection.Tables.GetTableClient(Prefix + "Alerts");
        Stats = connection.Tables.GetTableClient(Prefix + "StatsFacts");
        Complaints = connection.Tables.GetTableClient(Prefix + "Complaints");
        Register = connection.Tables.GetTableClient(Prefix + "Register");
        var anchors = configuration["Supervision:AnchorContainer"] is { Length: > 0 } a ? a : DefaultAnchorContainer;
        Anchors = connection.Blobs.GetBlobContainerClient(anchors);
    }

    public string Prefix { get; }

    /// <summary>One partition per case: the entries, the head row and one idempotency row per appended key.</summary>
    public TableClient Timeline { get; }

    /// <summary>Open alerts in one partition (bounded by what is open now), closed ones by month.</summary>
    public TableClient Alerts { get; }

    /// <summary>Received/decided facts partitioned by month (China time) of the event.</summary>
    public TableClient Stats { get; }

    /// <summary>Complaints, newest first.</summary>
    public TableClient Complaints { get; }

    /// <summary>The public register (外网公示), newest decision first, plus one marker row per case.</summary>
    public TableClient Register { get; }

    /// <summary>Append blobs holding chain heads of finished cases (one per case, under the table prefix).</summary>
    public BlobContainerClient Anchors { get; }

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_ready)
            {
                await Task.WhenAll(
                    Timeline.CreateIfNotExistsAsync(cancellationToken),
                    Alerts.CreateIfNotExistsAsync(cancellationToken),
                    Stats.CreateIfNotExistsAsync(cancellationToken),
                    Complaints.CreateIfNotExistsAsync(cancellationToken),
                    Register.CreateIfNotExistsAsync(cancellationToken));
                _ready = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}

/// <summary>The one place that turns storage failures into outcomes the supervision stores act on.</summary>
internal static class SupervisionErrors
{
    /// <summary>Another writer changed the row since it was read (ETag mismatch).</summary>
    public static bool IsConflict(Exception e) => Status(e) == 412;

    /// <summary>The row already exists.</summary>
    public static bool IsAlreadyExists(Exception e) => Status(e) == 409;

    public static bool IsNotFound(Exception e) => Status(e) == 404;

    /// <summary>The index of the failed action of a failed entity-group transaction, when the service names it.</summary>
    public static int? FailedAction(Exception e) => e is TableTransactionFailedException t ? t.FailedTransactionActionIndex : null;

    private static int Status(Exception e) => e switch
    {
        TableTransactionFailedException t => t.Status,
        RequestFailedException r => r.Status,
        _ => 0,
    };
}
