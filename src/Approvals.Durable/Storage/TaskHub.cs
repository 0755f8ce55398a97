using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Approvals.Durable.Storage;

/// <summary>
/// The storage resources of one task hub (all names derive from <see cref="DurableTaskOptions.HubName"/>):
/// <list type="bullet">
/// <item><c>{Hub}Instances</c> table — per partition: status, history and inbox rows of its instances (see <see cref="Keys"/>).</item>
/// <item><c>{Hub}Partitions</c> table — partition leases and host heartbeats.</item>
/// <item><c>{Hub}DeadLetters</c> table — work the engine gave up on, replayable.</item>
/// <item><c>{hub}-control-NN</c> queues — wake-ups for a partition's owner when the sender is another process.</item>
/// <item><c>{hub}-payloads</c> container — values too large for a table row.</item>
/// </list>
/// </summary>
internal sealed class TaskHub
{
    public TaskHub(StorageConnection storage, DurableTaskOptions options)
    {
        options.Validate();
        Options = options;
        Storage = storage;
        Instances = storage.Tables.GetTableClient($"{options.HubName}Instances");
        Partitions = storage.Tables.GetTableClient($"{options.HubName}Partitions");
        DeadLetters = storage.Tables.GetTableClient($"{options.HubName}DeadLetters");
        var lower = options.HubName.ToLowerInvariant();
        Payloads = storage.Blobs.GetBlobContainerClient($"{lower}-payloads");
        ControlQueues = options.ControlQueueNames.Select(storage.Queues.GetQueueClient).ToArray();
    }

    public DurableTaskOptions Options { get; }

    public StorageConnection Storage { get; }

    public int PartitionCount => Options.PartitionCount;

    public TableClient Instances { get; }

    public TableClient Partitions { get; }

    public TableClient DeadLetters { get; }

    public BlobContainerClient Payloads { get; }

    public IReadOnlyList<QueueClient> ControlQueues { get; }

    private Task? _created;
    private readonly Lock _createLock = new();

    /// <summary>Creates every table, queue and container once per process.</summary>
    public Task EnsureCreatedAsync(CancellationToken ct)
    {
        lock (_createLock)
        {
            return _created ??= CreateAsync(ct);
        }
    }

    private async Task CreateAsync(CancellationToken ct)
    {
        var work = new List<Task>
        {
            Instances.CreateIfNotExistsAsync(ct),
            Partitions.CreateIfNotExistsAsync(ct),
            DeadLetters.CreateIfNotExistsAsync(ct),
            Payloads.CreateIfNotExistsAsync(cancellationToken: ct),
        };
        work.AddRange(ControlQueues.Select(q => (Task)q.CreateIfNotExistsAsync(cancellationToken: ct)));
        await Task.WhenAll(work);
    }

    public int PartitionOf(string instanceId) => Keys.PartitionOf(instanceId, PartitionCount);
}
