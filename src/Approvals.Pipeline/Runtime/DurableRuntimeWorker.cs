using Approvals.Pipeline.Orchestrations;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Options;

namespace Approvals.Pipeline.Runtime;

/// <summary>
/// Runs the pipeline's orchestrators and activities (<see cref="PipelineTasks"/>) on DTFx's own <see cref="TaskHubWorker"/>
/// over the Azure Storage provider, in this process (runtime.md path A). DTFx's dispatchers do all the work; this
/// class only starts and stops them.
/// Start-up never blocks the host and never gives up: while storage is unreachable (a host started before Azurite,
/// a storage outage at start) it retries with back-off and the readiness probe says why it is not ready.
/// </summary>
internal sealed partial class DurableRuntimeWorker(
    AzureStorageOrchestrationService service,
    IServiceProvider services,
    IOptions<DurableRuntimeOptions> options,
    DurableRuntimeStatus status,
    ILoggerFactory loggers) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger<DurableRuntimeWorker>();
    private TaskHubWorker? _worker;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        status.WorkerEnabled = options.Value.WorkerEnabled;
        if (!status.WorkerEnabled)
        {
            return; // a client-only process: it starts and raises, others run the work
        }

        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            TaskHubWorker? worker = null;
            try
            {
                await service.CreateIfNotExistsAsync().WaitAsync(stoppingToken);
                worker = Build();
                await worker.StartAsync().WaitAsync(stoppingToken);
                _worker = worker;
                status.Started();
                LogStarted(_logger, options.Value.HubName, options.Value.PartitionCount);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                status.Failed(e);
                LogStartFailed(_logger, e, delay);
                if (worker is not null)
                {
                    await StopQuietlyAsync(worker);
                }

                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(15).Ticks));
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_worker is { } worker)
        {
            // Graceful: in-flight episodes and activities finish and checkpoint; the host's shutdown timeout bounds it.
            await worker.StopAsync(isForced: false).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private TaskHubWorker Build()
    {
        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions(), loggers);
        var worker = new TaskHubWorker(new ActivityLockRecovery(service, loggers.CreateLogger<ActivityLockRecovery>()), loggers)
        {
            // Activity and sub-orchestration failures reach the caller as TaskFailedException with FailureDetails.
            ErrorPropagationMode = ErrorPropagationMode.UseFailureDetails,
        };
        worker.AddTaskOrchestrations(PipelineTasks.Orchestrators.Select(t => (ObjectCreator<TaskOrchestration>)new OrchestratorCreator(t, services, shims)).ToArray());
        worker.AddTaskActivities(PipelineTasks.Activities.Select(t => (ObjectCreator<TaskActivity>)new ActivityCreator(t, services, shims)).ToArray());
        return worker;
    }

    private async Task StopQuietlyAsync(TaskHubWorker worker)
    {
        try
        {
            await worker.StopAsync(isForced: true);
        }
        catch (Exception e)
        {
            LogStopFailed(_logger, e);
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Durable runtime started: task hub {HubName}, {PartitionCount} partitions")]
    private static partial void LogStarted(ILogger logger, string hubName, int partitionCount);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Durable runtime could not start (storage unreachable?); retrying in {Delay}")]
    private static partial void LogStartFailed(ILogger logger, Exception e, TimeSpan delay);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "A half-started Durable worker did not stop cleanly")]
    private static partial void LogStopFailed(ILogger logger, Exception e);
}
