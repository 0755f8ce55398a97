using Approvals.Durable.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Approvals.Durable.Tests;

/// <summary>An in-process host running the engine against Azurite, on its own task hub.</summary>
internal sealed class EngineHost : IAsyncDisposable
{
    public const string Azurite = "UseDevelopmentStorage=true";

    private EngineHost(IHost host, string hubName)
    {
        Host = host;
        HubName = hubName;
    }

    public IHost Host { get; }

    public string HubName { get; }

    public DurableTaskClient Client => Host.Services.GetRequiredService<DurableTaskClient>();

    public StorageConnection Storage => Host.Services.GetRequiredService<StorageConnection>();

    public static string NewHubName(string prefix = "t") => $"{prefix}{Guid.NewGuid():N}"[..20];

    public static async Task<EngineHost> StartAsync(Action<DurableTaskRegistry> tasks, Action<DurableTaskOptions>? configure = null, TimeProvider? time = null, string? hubName = null, Action<IServiceCollection>? services = null)
    {
        hubName ??= NewHubName();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(StorageConnection.Create(Azurite));
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        services?.Invoke(builder.Services);
        builder.Services.AddDurableTask(tasks, o =>
        {
            o.HubName = hubName;
            o.PartitionCount = 4;
            o.LeaseTtl = TimeSpan.FromSeconds(6);
            o.PoisonBackoff = TimeSpan.FromMilliseconds(50);
            configure?.Invoke(o);
        });
        var host = builder.Build();
        await host.StartAsync();
        var probe = new DurableTaskOptions { PartitionCount = 4 };
        configure?.Invoke(probe);
        if (probe.WorkerEnabled)
        {
            // Ready when this host owns every partition (it is alone on its hub).
            var status = host.Services.GetRequiredService<DurableTaskWorkerStatus>();
            await Wait.UntilAsync(() => Task.FromResult(status.OwnedPartitions.Count == probe.PartitionCount), TimeSpan.FromSeconds(30), "host owns its partitions");
        }

        return new EngineHost(host, hubName);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync(TimeSpan.FromSeconds(10));
        Host.Dispose();
    }
}
