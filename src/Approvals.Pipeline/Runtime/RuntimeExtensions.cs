using Approvals.Pipeline.Storage;
using DurableTask.AzureStorage;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace Approvals.Pipeline.Runtime;

/// <summary>
/// The one place that knows how this host runs the Durable runtime. A move to the gRPC sidecar (path B) or the
/// Durable Task Scheduler changes this folder, not the orchestrations or the handlers (they see only
/// <see cref="DurableTaskClient"/> and the SDK's programming model).
/// </summary>
internal static class RuntimeExtensions
{
    public static IServiceCollection AddDurableRuntime(this IServiceCollection services)
    {
        services.AddOptions<DurableRuntimeOptions>().BindConfiguration("DurableTask").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DurableRuntimeStatus>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<DurableRuntimeOptions>>().Value;
            return new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
            {
                TaskHubName = o.HubName,
                PartitionCount = o.PartitionCount,
                MaxQueuePollingInterval = o.MaxQueuePollingInterval,
                ControlQueueVisibilityTimeout = o.ControlQueueVisibilityTimeout,
                WorkItemQueueVisibilityTimeout = o.WorkItemQueueVisibilityTimeout,
                ControlQueueBatchSize = o.ControlQueueBatchSize,
                MaxConcurrentTaskActivityWorkItems = o.MaxConcurrentActivityFunctions,
                MaxConcurrentTaskOrchestrationWorkItems = o.MaxConcurrentOrchestratorFunctions,
                ExtendedSessionsEnabled = o.ExtendedSessionsEnabled,
                ExtendedSessionIdleTimeout = TimeSpan.FromSeconds(o.ExtendedSessionIdleTimeoutInSeconds),
                LeaseInterval = o.LeaseInterval,
                WorkerId = sp.GetRequiredService<DurableRuntimeStatus>().WorkerId = o.WorkerId ?? $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}",
                // Starting an id that is already running is refused (the submit handler relies on it), not a silent no-op.
                ThrowExceptionOnInvalidDedupeStatus = true,
                StorageAccountClientProvider = sp.GetRequiredService<StorageConnection>().RuntimeClients(),
                LoggerFactory = sp.GetRequiredService<ILoggerFactory>(),
            });
        });
        services.AddSingleton<DurableTaskClient>(sp => new ShimDurableTaskClient(sp.GetRequiredService<AzureStorageOrchestrationService>()));
        services.AddHostedService<DurableRuntimeWorker>();
        return services;
    }
}
