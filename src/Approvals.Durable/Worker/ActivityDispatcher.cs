using System.Collections.Concurrent;
using System.Diagnostics;
using Approvals.Durable.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Approvals.Durable.Worker;

/// <summary>
/// Runs activities in-process on the partition owner, at most <see cref="DurableTaskOptions.MaxConcurrentActivities"/>
/// at once. Results go back to the instance in memory (no queue, no storage round-trip); if the host dies first,
/// the next owner re-dispatches from history — hence at-least-once, with a stable idempotency key.
/// An activity that cannot run at all (not registered here) is an engine-level failure: retried with backoff,
/// then dead-lettered while the orchestration keeps waiting, so a later deploy can replay it.
/// </summary>
internal sealed partial class ActivityDispatcher(EngineContext engine)
{
    private readonly SemaphoreSlim _slots = new(engine.Options.MaxConcurrentActivities);
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    private readonly ILogger _logger = engine.LoggerFactory.CreateLogger("Approvals.Durable.Activities");

    public CancellationToken ShutdownToken { get; set; }

    public int InFlight => _inFlight.Count;

    public bool HasInFlight(string instanceId) => _inFlight.Keys.Any(k => k.StartsWith(instanceId + ":", StringComparison.Ordinal));

    public void Dispatch(string instanceId, string executionId, int taskId, string name, string? input)
    {
        var key = $"{instanceId}:{executionId}:{taskId}";
        if (!_inFlight.TryAdd(key, 0))
        {
            return; // already running here (e.g. the instance was reloaded while its activity ran)
        }

        _ = Task.Run(() => RunAsync(key, instanceId, executionId, taskId, name, input));
    }

    private async Task RunAsync(string key, string instanceId, string executionId, int taskId, string name, string? input)
    {
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var result = await TryRunOnceAsync(key, instanceId, executionId, taskId, name, input);
                if (result is not null)
                {
                    engine.DeliverLocal(instanceId, result);
                    return;
                }

                if (attempt >= engine.Options.MaxDeliveryAttempts || ShutdownToken.IsCancellationRequested)
                {
                    if (!ShutdownToken.IsCancellationRequested)
                    {
                        await engine.DeadLetters.AddAsync(new DeadLetter(
                            $"{Storage.Keys.Escape(instanceId)}.{executionId}.{taskId}", instanceId, "Activity", name, attempt,
                            $"Activity '{name}' is not registered on this host.", engine.Time.GetUtcNow()),
                            executionId, taskId, input, CancellationToken.None);
                        EngineMetrics.DeadLettered.Add(1);
                        LogDeadLettered(_logger, name, instanceId, attempt);
                    }

                    return;
                }

                await Task.Delay(engine.Options.PoisonBackoff * Math.Pow(2, attempt - 1), ShutdownToken);
            }
        }
        catch (OperationCanceledException) when (ShutdownToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogDispatchFailed(_logger, e, name, instanceId);
        }
        finally
        {
            _inFlight.TryRemove(key, out _);
        }
    }

    /// <returns>The result message, or null on an engine-level failure.</returns>
    private async Task<WorkMessage?> TryRunOnceAsync(string key, string instanceId, string executionId, int taskId, string name, string? input)
    {
        if (!engine.Registry.Activities.TryGetValue(name, out var type))
        {
            return null;
        }

        await _slots.WaitAsync(ShutdownToken);
        var started = Stopwatch.GetTimestamp();
        using var span = EngineMetrics.Tracing.StartActivity($"activity {name}");
        span?.SetTag("durable.instance_id", instanceId);
        span?.SetTag("durable.task_id", taskId);
        try
        {
            await using var scope = engine.Services.CreateAsyncScope();
            var activity = (ITaskActivity)ActivatorUtilities.GetServiceOrCreateInstance(scope.ServiceProvider, type);
            var context = new TaskActivityContext(name, instanceId, key, ShutdownToken);
            var output = await activity.RunAsync(context, DataConverter.Deserialize(input, activity.InputType));
            return new WorkMessage { Kind = MessageKind.TaskCompleted, TaskId = taskId, ExecutionId = executionId, Data = DataConverter.Serialize(output) };
        }
        catch (OperationCanceledException) when (ShutdownToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            return new WorkMessage { Kind = MessageKind.TaskFailed, TaskId = taskId, ExecutionId = executionId, Failure = TaskFailureDetails.FromException(e) };
        }
        finally
        {
            _slots.Release();
            EngineMetrics.ActivitiesRun.Add(1, new KeyValuePair<string, object?>("activity", name));
            EngineMetrics.ActivityDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("activity", name));
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Activity {Name} for {InstanceId} dead-lettered after {Attempts} attempts: not registered on this host")]
    private static partial void LogDeadLettered(ILogger logger, string name, string instanceId, int attempts);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Dispatching activity {Name} for {InstanceId} failed")]
    private static partial void LogDispatchFailed(ILogger logger, Exception e, string name, string instanceId);
}
