using Approvals.Durable.Client;
using Approvals.Durable.Storage;
using Approvals.Durable.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Approvals.Durable;

/// <summary>DI registration, in the style of <c>services.AddDurableTaskWorker(...)</c>.</summary>
public static class DurableTaskServiceCollectionExtensions
{
    /// <summary>
    /// Registers the engine: the <see cref="DurableTaskClient"/> singleton, the hosted worker (when
    /// <see cref="DurableTaskOptions.WorkerEnabled"/>) and <see cref="DurableTaskWorkerStatus"/>. Requires a
    /// <see cref="StorageConnection"/> in the container; uses the registered <see cref="TimeProvider"/> (system clock by
    /// default) for orchestration time and durable timers. Orchestrators and activities are created through DI, so
    /// they can take constructor dependencies. May be called more than once; registrations add up.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="registerTasks">Registers orchestrators and activities.</param>
    /// <param name="configure">Optional options callback (applied after configuration binding).</param>
    public static IServiceCollection AddDurableTask(this IServiceCollection services, Action<DurableTaskRegistry> registerTasks, Action<DurableTaskOptions>? configure = null)
    {
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(DurableTaskRegistry))?.ImplementationInstance as DurableTaskRegistry;
        var registry = existing ?? new DurableTaskRegistry();
        registerTasks(registry);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (existing is not null)
        {
            return services;
        }

        services.AddOptions<DurableTaskOptions>();
        services.AddSingleton(registry);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DurableTaskWorkerStatus>();
        services.AddSingleton(sp => new EngineContext(
            new TaskHub(sp.GetRequiredService<StorageConnection>(), sp.GetRequiredService<IOptions<DurableTaskOptions>>().Value),
            registry,
            sp,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        services.AddSingleton<DurableTaskClient>(sp => new AzureStorageDurableTaskClient(sp.GetRequiredService<EngineContext>()));
        services.AddHostedService(sp => new DurableTaskWorker(
            sp.GetRequiredService<EngineContext>(),
            sp.GetRequiredService<DurableTaskWorkerStatus>(),
            sp.GetService<ILogger<DurableTaskWorker>>() ?? NullLogger<DurableTaskWorker>.Instance));
        return services;
    }
}
