using Approvals.Bench.Engine.Diagnostics;
using Approvals.Durable;
using Approvals.Durable.Storage;
using Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Approvals.Bench.Engine;

/// <summary>
/// An in-process engine host on a fresh task hub (4 partitions, 100 concurrent activities), plus an observer: a
/// client-only engine with its own <see cref="StorageConnection"/>, so the harness's status polls never count as
/// the engine's storage requests. On dispose the host stops and the hub's tables, queues and container are deleted
/// (names are unique per run, so nothing is ever re-created under a deleted name).
/// </summary>
internal sealed class BenchHost : IAsyncDisposable
{
    /// <summary>The storage every scenario uses: Azurite on its default ports, or <c>--storage</c>.</summary>
    public static string Azurite { get; set; } = "UseDevelopmentStorage=true";
    public const int PartitionCount = 4;
    public const int MaxConcurrentActivities = 100;

    private readonly IHost _host;
    private readonly ServiceProvider _observerServices;
    private readonly StorageConnection _observerStorage;

    private BenchHost(string hubName, IHost host, ServiceProvider observerServices, StorageConnection observerStorage)
    {
        HubName = hubName;
        _host = host;
        _observerServices = observerServices;
        _observerStorage = observerStorage;
        Client = host.Services.GetRequiredService<DurableTaskClient>();
        Requests = host.Services.GetRequiredService<StorageConnection>().RequestCounter;
        Observer = observerServices.GetRequiredService<DurableTaskClient>();
        Probe = host.Services.GetRequiredService<CompletionProbe>();
    }

    /// <summary>The host's services (for scenario probes registered at start).</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Where this host's orchestrators report that they are about to return.</summary>
    public CompletionProbe Probe { get; }

    public string HubName { get; }

    /// <summary>The host's own client: commands are signalled in memory, as in the app.</summary>
    public DurableTaskClient Client { get; }

    /// <summary>A separate client for the harness's polls; its storage requests are not the engine's.</summary>
    public DurableTaskClient Observer { get; }

    /// <summary>Every storage request the host (worker and its client) made.</summary>
    public StorageRequestCounter Requests { get; }

    public static async Task<BenchHost> StartAsync(string scenario, Action<DurableTaskRegistry> tasks, Action<IServiceCollection>? services, CancellationToken ct)
    {
        var hub = $"b{scenario}{Guid.NewGuid():N}"[..Math.Min(40, scenario.Length + 13)];
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(StorageConnection.Create(Azurite));
        builder.Services.AddSingleton<CompletionProbe>();
        services?.Invoke(builder.Services);
        builder.Services.AddDurableTask(tasks, o => Configure(o, hub));
        var host = builder.Build();

        var observerStorage = StorageConnection.Create(Azurite);
        var observer = new ServiceCollection()
            .AddSingleton(observerStorage)
            .AddDurableTask(_ => { }, o => { Configure(o, hub); o.WorkerEnabled = false; })
            .BuildServiceProvider();

        await host.StartAsync(ct);
        var status = host.Services.GetRequiredService<DurableTaskWorkerStatus>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (status.OwnedPartitions.Count < PartitionCount)
        {
            await Task.Delay(10, timeout.Token);
        }

        return new BenchHost(hub, host, observer, observerStorage);
    }

    /// <summary>A side table of the hub on the observer's connection (for <see cref="Diagnostics.AzuriteStallProbe"/>).</summary>
    public async Task<Azure.Data.Tables.TableClient> CreateProbeTableAsync(CancellationToken ct)
    {
        using var _ = StorageCallRecorder.Observing();
        var table = _observerStorage.Tables.GetTableClient($"{HubName}Probe");
        await table.CreateIfNotExistsAsync(ct);
        return table;
    }

    /// <summary>Polls (as the observer) until the instance is terminal; throws unless it completed.</summary>
    public async Task<OrchestrationMetadata> WaitCompletedAsync(string instanceId, CancellationToken ct)
    {
        using var _ = StorageCallRecorder.Observing();
        while (true)
        {
            var state = await Observer.GetInstanceAsync(instanceId, true, ct);
            if (state is { IsCompleted: true })
            {
                return state.RuntimeStatus == OrchestrationRuntimeStatus.Completed
                    ? state
                    : throw new InvalidOperationException($"Instance {instanceId} ended {state.RuntimeStatus}: {state.FailureDetails?.ErrorMessage}");
            }

            await Task.Delay(2, ct);
        }
    }

    /// <summary>Counts instances in the given statuses (as the observer; one filtered key-range query per partition).</summary>
    public async Task<int> CountAsync(IReadOnlyCollection<OrchestrationRuntimeStatus> statuses, string? instanceIdPrefix, CancellationToken ct)
    {
        using var _ = StorageCallRecorder.Observing();
        var count = 0;
        await foreach (var unused in Observer.GetAllInstancesAsync(new OrchestrationQuery { Statuses = statuses, InstanceIdPrefix = instanceIdPrefix, PageSize = 1000 }).WithCancellation(ct))
        {
            count++;
        }

        return count;
    }

    /// <summary>Polls until no instance with the id prefix is Pending or Running; throws unless <paramref name="expected"/> completed.</summary>
    public async Task WaitAllCompletedAsync(string instanceIdPrefix, int expected, TimeSpan poll, CancellationToken ct)
    {
        while (await CountAsync([OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running], instanceIdPrefix, ct) > 0)
        {
            await Task.Delay(poll, ct);
        }

        var completed = await CountAsync([OrchestrationRuntimeStatus.Completed], instanceIdPrefix, ct);
        if (completed != expected)
        {
            throw new InvalidOperationException($"{completed} of {expected} instances completed.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(15));
        }
        finally
        {
            _host.Dispose();
            await DeleteHubAsync();
            await _observerServices.DisposeAsync();
        }
    }

    private static void Configure(DurableTaskOptions o, string hub)
    {
        o.HubName = hub;
        o.PartitionCount = PartitionCount;
        o.MaxConcurrentActivities = MaxConcurrentActivities;
    }

    /// <summary>Every table, queue and container of the hub (all named after it), so Azurite does not grow run after run.</summary>
    private async Task DeleteHubAsync()
    {
        var lower = HubName.ToLowerInvariant();
        try
        {
            await foreach (var table in _observerStorage.Tables.QueryAsync())
            {
                if (table.Name.StartsWith(HubName, StringComparison.Ordinal))
                {
                    await _observerStorage.Tables.DeleteTableAsync(table.Name);
                }
            }

            await foreach (var queue in _observerStorage.Queues.GetQueuesAsync(prefix: lower))
            {
                await _observerStorage.Queues.DeleteQueueAsync(queue.Name);
            }

            await foreach (var container in _observerStorage.Blobs.GetBlobContainersAsync(prefix: lower))
            {
                await _observerStorage.Blobs.DeleteBlobContainerAsync(container.Name);
            }
        }
        catch (RequestFailedException e)
        {
            Console.WriteLine($"  (cleanup of hub {HubName} incomplete: {e.ErrorCode})");
        }
    }
}
