using Approvals.Pipeline.Storage;
using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace Approvals.Pipeline.Storage;

/// <summary>
/// The tables and containers of the approval pipeline, named from <c>Approvals:TablePrefix</c> so that tests
/// (and several environments in one account) never share rows. Created once per process, lazily.
/// </summary>
internal sealed class PipelineStorage : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _ready;

    public PipelineStorage(StorageConnection connection, IConfiguration configuration)
    {
        Connection = connection;
        Prefix = configuration["Approvals:TablePrefix"] is { Length: > 0 } p ? p : "approvals";
        Cases = connection.Tables.GetTableClient(Prefix + "Cases");
        Tasks = connection.Tables.GetTableClient(Prefix + "Tasks");
        Applicants = connection.Tables.GetTableClient(Prefix + "Applicants");
        Counters = connection.Tables.GetTableClient(Prefix + "Counters");
        Licences = connection.Tables.GetTableClient(Prefix + "Licences");
        Keys = connection.Tables.GetTableClient(Prefix + "Keys");
        var containerPrefix = Prefix.ToLowerInvariant();
        Materials = connection.Blobs.GetBlobContainerClient(containerPrefix + "-materials");
        LicenceFiles = connection.Blobs.GetBlobContainerClient(containerPrefix + "-licences");
    }

    public StorageConnection Connection { get; }

    public string Prefix { get; }

    /// <summary>One partition per case: the case row, one row per department step, material versions, webhook answers.</summary>
    public TableClient Cases { get; }

    /// <summary>Department inboxes: partition = department id, row = case id.</summary>
    public TableClient Tasks { get; }

    /// <summary>Per applicant: draft idempotency keys and the index of their cases.</summary>
    public TableClient Applicants { get; }

    /// <summary>Sequence counters for case and licence numbers.</summary>
    public TableClient Counters { get; }

    /// <summary>Issued licences by licence number (public verification).</summary>
    public TableClient Licences { get; }

    /// <summary>Public halves of licence signing keys by key id, so licences stay verifiable after a key rotation.</summary>
    public TableClient Keys { get; }

    public BlobContainerClient Materials { get; }

    public BlobContainerClient LicenceFiles { get; }

    /// <summary>Creates every table and container once per process (idempotent in storage).</summary>
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
                await CreateAllAsync(cancellationToken);
                _ready = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task CreateAllAsync(CancellationToken cancellationToken)
    {
        var tables = new[] { Cases, Tasks, Applicants, Counters, Licences, Keys }
            .Select(t => t.CreateIfNotExistsAsync(cancellationToken));
        var containers = new[] { Materials, LicenceFiles }
            .Select(c => c.CreateIfNotExistsAsync(cancellationToken: cancellationToken));
        await Task.WhenAll(tables.Cast<Task>().Concat(containers));
    }
}
