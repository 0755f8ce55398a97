using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DurableTask.AzureStorage;

namespace Approvals.Pipeline.Storage;

/// <summary>
/// The storage account the engine and the app talk to, built from an <c>AzureWebJobsStorage</c> value:
/// either a connection string (<c>UseDevelopmentStorage=true</c> for Azurite) or an account URI
/// (<c>https://acct.blob.core.windows.net</c> or a bare account name), in which case the token credential
/// (by default <see cref="DefaultAzureCredential"/>, i.e. the managed identity in Azure) is used.
/// Clients are thread-safe singletons.
/// </summary>
internal sealed class StorageConnection
{
    private Func<StorageAccountClientProvider> _runtimeClients = null!;

    private StorageConnection(StorageRequestCounter counter, TableServiceClient tables, QueueServiceClient queues, BlobServiceClient blobs, bool usesCredential)
    {
        RequestCounter = counter;
        Tables = tables;
        Queues = queues;
        Blobs = blobs;
        UsesTokenCredential = usesCredential;
    }

    /// <summary>Table service client.</summary>
    public TableServiceClient Tables { get; }

    /// <summary>Queue service client.</summary>
    public QueueServiceClient Queues { get; }

    /// <summary>Blob service client.</summary>
    public BlobServiceClient Blobs { get; }

    /// <summary>True when the connection authenticates with a token credential (managed identity) rather than a key.</summary>
    public bool UsesTokenCredential { get; }

    /// <summary>Counts every storage request made through these clients (see <see cref="StorageRequestCounter"/>).</summary>
    public StorageRequestCounter RequestCounter { get; }

    /// <summary>
    /// Clients for the Durable runtime's Azure Storage provider on the same account, with the same credential, counted
    /// by the same <see cref="RequestCounter"/> (the provider adds its own policies to the options it is given).
    /// </summary>
    public StorageAccountClientProvider RuntimeClients() => _runtimeClients();

    /// <summary>Creates the clients from a connection string, an account URI or an account name.</summary>
    /// <param name="value">The <c>AzureWebJobsStorage</c> setting.</param>
    /// <param name="credential">Credential for the URI form; <see cref="DefaultAzureCredential"/> when null.</param>
    /// <exception cref="ArgumentException">The value is empty or neither form.</exception>
    public static StorageConnection Create(string? value, TokenCredential? credential = null)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException("AzureWebJobsStorage is empty: set a connection string (UseDevelopmentStorage=true for Azurite) or a storage account URI.", nameof(value));
        }

        var counter = new StorageRequestCounter();
        value = value.Trim();
        if (value.Contains('=', StringComparison.Ordinal))
        {
            return Build(counter, value, null, null);
        }

        // https://{account}.{blob|table|queue|dfs}.{suffix}: the suffix names the cloud (core.windows.net globally,
        // core.chinacloudapi.cn in Azure China, …); a bare account name means the global cloud.
        string accountName, suffix = "core.windows.net";
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps)
        {
            var labels = uri.Host.Split('.', 3);
            accountName = labels[0];
            if (labels.Length < 3 || labels[1] is not ("blob" or "table" or "queue" or "dfs"))
            {
                throw new ArgumentException($"AzureWebJobsStorage '{value}' is not a storage endpoint URI (https://account.blob.core.windows.net).", nameof(value));
            }

            suffix = labels[2];
        }
        else
        {
            accountName = value;
        }

        if (accountName.Length is < 3 or > 24 || !accountName.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
        {
            throw new ArgumentException($"AzureWebJobsStorage '{value}' is neither a connection string nor a storage account URI/name.", nameof(value));
        }

        return Build(counter, null, (accountName, suffix), credential ?? new DefaultAzureCredential());
    }

    private static StorageConnection Build(StorageRequestCounter counter, string? connectionString, (string Account, string Suffix)? account, TokenCredential? credential)
    {
        var tableOptions = new TableClientOptions();
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        var blobOptions = new BlobClientOptions();
        // One counting policy per service client: the service is known from the client, not guessed from a port
        // (a private Azurite on other ports would otherwise count everything as blob requests).
        tableOptions.AddPolicy(counter.For(StorageService.Tables), HttpPipelinePosition.PerRetry);
        queueOptions.AddPolicy(counter.For(StorageService.Queues), HttpPipelinePosition.PerRetry);
        blobOptions.AddPolicy(counter.For(StorageService.Blobs), HttpPipelinePosition.PerRetry);

        StorageConnection connection = connectionString is not null
            ? new(counter, new TableServiceClient(connectionString, tableOptions), new QueueServiceClient(connectionString, queueOptions), new BlobServiceClient(connectionString, blobOptions), false)
            : new(counter, new TableServiceClient(Endpoint(account!.Value, "table"), credential, tableOptions),
                  new QueueServiceClient(Endpoint(account.Value, "queue"), credential, queueOptions),
                  new BlobServiceClient(Endpoint(account.Value, "blob"), credential, blobOptions), true);
        connection._runtimeClients = () =>
        {
            var blobs = new BlobClientOptions();
            var queues = new QueueClientOptions();
            var tables = new TableClientOptions();
            blobs.AddPolicy(counter.For(StorageService.Blobs), HttpPipelinePosition.PerRetry);
            queues.AddPolicy(counter.For(StorageService.Queues), HttpPipelinePosition.PerRetry);
            tables.AddPolicy(counter.For(StorageService.Tables), HttpPipelinePosition.PerRetry);
            return connectionString is not null
                ? new(StorageServiceClientProvider.ForBlob(connectionString, blobs), StorageServiceClientProvider.ForQueue(connectionString, queues), StorageServiceClientProvider.ForTable(connectionString, tables))
                : new(StorageServiceClientProvider.ForBlob(Endpoint(account!.Value, "blob"), credential!, blobs),
                      StorageServiceClientProvider.ForQueue(Endpoint(account.Value, "queue"), credential!, queues),
                      StorageServiceClientProvider.ForTable(Endpoint(account.Value, "table"), credential!, tables));
        };
        return connection;
    }

    private static Uri Endpoint((string Account, string Suffix) account, string service) =>
        new($"https://{account.Account}.{service}.{account.Suffix}");
}

/// <summary>
/// Counts storage round-trips (every try, retries included) per service, so benchmarks can report requests per
/// activity or per case. Each service client carries its own counting pipeline policy (<see cref="For"/>).
/// </summary>
internal sealed class StorageRequestCounter
{
    private long _tables;
    private long _queues;
    private long _blobs;

    /// <summary>Table requests so far.</summary>
    public long Tables => Interlocked.Read(ref _tables);

    /// <summary>Queue requests so far.</summary>
    public long Queues => Interlocked.Read(ref _queues);

    /// <summary>Blob requests so far.</summary>
    public long Blobs => Interlocked.Read(ref _blobs);

    /// <summary>All requests so far.</summary>
    public long Total => Tables + Queues + Blobs;

    /// <summary>A snapshot of the counts, for differences across a measured run.</summary>
    public (long Tables, long Queues, long Blobs) Snapshot() => (Tables, Queues, Blobs);

    internal HttpPipelinePolicy For(StorageService service) => new CountingPolicy(this, service);

    private void Count(StorageService service)
    {
        switch (service)
        {
            case StorageService.Tables:
                Interlocked.Increment(ref _tables);
                break;
            case StorageService.Queues:
                Interlocked.Increment(ref _queues);
                break;
            default:
                Interlocked.Increment(ref _blobs);
                break;
        }
    }

    private sealed class CountingPolicy(StorageRequestCounter counter, StorageService service) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => counter.Count(service);
    }
}

/// <summary>The storage service a client talks to.</summary>
internal enum StorageService
{
    Tables,
    Queues,
    Blobs,
}
