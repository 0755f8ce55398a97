using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Approvals.Durable.Core;

/// <summary>The <see cref="TaskOrchestrationContext"/> half of the executor: what orchestrator code calls.</summary>
internal sealed partial class OrchestrationExecutor
{
    public override async Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, TaskOptions? options = null)
    {
        var inputJson = DataConverter.Serialize(input);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var raw = await Schedule(EventKind.TaskScheduled, name, inputJson);
                return DataConverter.Deserialize<TResult>(raw)!;
            }
            catch (TaskFailedException) when (options?.Retry is { } retry && attempt < retry.MaxNumberOfAttempts && _nonDeterminism is null)
            {
                // The retry wait is a durable timer: a crash during it loses nothing, and replay takes the same path.
                await CreateTimer(CurrentUtcDateTime + retry.DelayAfter(attempt), CancellationToken.None);
            }
        }
    }

    public override async Task<TResult> CallSubOrchestratorAsync<TResult>(string orchestratorName, object? input = null, TaskOptions? options = null)
    {
        var inputJson = DataConverter.Serialize(input);
        var explicitId = (options as SubOrchestrationOptions)?.InstanceId;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var raw = await Schedule(EventKind.SubOrchestrationCreated, orchestratorName, inputJson, childInstanceId: explicitId);
                return DataConverter.Deserialize<TResult>(raw)!;
            }
            catch (TaskFailedException) when (options?.Retry is { } retry && attempt < retry.MaxNumberOfAttempts && _nonDeterminism is null)
            {
                await CreateTimer(CurrentUtcDateTime + retry.DelayAfter(attempt), CancellationToken.None);
                explicitId = explicitId is null ? null : $"{explicitId}:{attempt}";
            }
        }
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        var task = Schedule(EventKind.TimerCreated, null, null, fireAt: DateTime.SpecifyKind(fireAt, DateTimeKind.Utc));
        if (!cancellationToken.CanBeCanceled)
        {
            return task;
        }

        // A cancelled timer completes its task now; its stored fire is later applied to a closed task and ignored.
        var source = new TaskCompletionSource(TaskCreationOptions.None);
        var registration = cancellationToken.Register(() => source.TrySetCanceled(cancellationToken));
        task.ContinueWith(
            t =>
            {
                registration.Dispose();
                if (t.IsFaulted)
                {
                    source.TrySetException(t.Exception!.InnerExceptions);
                }
                else
                {
                    source.TrySetResult();
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return source.Task;
    }

    public override async Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        if (_buffered.TryGetValue(eventName, out var queue) && queue.Count > 0)
        {
            return DataConverter.Deserialize<T>(queue.Dequeue())!;
        }

        var source = new TaskCompletionSource<string?>();
        if (!_waiters.TryGetValue(eventName, out var list))
        {
            _waiters[eventName] = list = new LinkedList<TaskCompletionSource<string?>>();
        }

        var node = list.AddLast(source);
        await using var registration = cancellationToken.Register(() =>
        {
            // A cancelled waiter leaves the queue, so it never swallows an event meant for a live one.
            if (source.TrySetCanceled(cancellationToken) && node.List is not null)
            {
                list.Remove(node);
            }
        });
        var raw = await source.Task;
        return DataConverter.Deserialize<T>(raw)!;
    }

    public override void SendEvent(string instanceId, string eventName, object? payload)
        => _ = Schedule(EventKind.EventSent, eventName, DataConverter.Serialize(payload), childInstanceId: instanceId, expectsCompletion: false);

    public override void SetCustomStatus(object? customStatus) => CustomStatus = DataConverter.Serialize(customStatus);

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true)
        => _continueAsNew = (DataConverter.Serialize(newInput), preserveUnprocessedEvents);

    public override Guid NewGuid()
    {
        // Name-based (RFC 4122 version 5 layout): same instance, episode time and counter → same GUID on every replay.
        var name = Encoding.UTF8.GetBytes($"{InstanceId}_{_now:O}_{_guidCounter++}");
#pragma warning disable CA5350 // SHA-1 is what the UUID v5 layout specifies; this is not a security use.
        var hash = SHA1.HashData(name);
#pragma warning restore CA5350
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    public override T? GetInput<T>() where T : default => DataConverter.Deserialize<T>(_input);

    public override ILogger CreateReplaySafeLogger(string categoryName) => new ReplaySafeLogger(this, _loggerFactory.CreateLogger(categoryName));

    private Task<string?> Schedule(EventKind kind, string? name, string? data, DateTime? fireAt = null, string? childInstanceId = null, bool expectsCompletion = true)
    {
        var id = _nextId++;
        if (kind == EventKind.SubOrchestrationCreated)
        {
            childInstanceId ??= $"{InstanceId}:{id:D4}";
        }

        if (_recorded.TryGetValue(id, out var recorded))
        {
            if (recorded.Kind != kind || !string.Equals(recorded.Name, name, StringComparison.Ordinal))
            {
                NonDeterminism($"action #{id} is {HistoryRecord.Describe(kind, name)} in the code but {HistoryRecord.Describe(recorded.Kind, recorded.Name)} in the history");
                return Task.FromException<string?>(new InvalidOperationException(_nonDeterminism));
            }
        }
        else if (_replaying)
        {
            NonDeterminism($"action #{id} is {HistoryRecord.Describe(kind, name)} in the code but the history has no action #{id}");
            return Task.FromException<string?>(new InvalidOperationException(_nonDeterminism));
        }
        else
        {
            _newActions.Add(new HistoryRecord { Kind = kind, TaskId = id, Name = name, Data = data, FireAt = fireAt, InstanceId = childInstanceId, Timestamp = _now });
        }

        if (!expectsCompletion)
        {
            return Task.FromResult<string?>(null);
        }

        var source = new TaskCompletionSource<string?>();
        _open[id] = new OpenTask(kind, name, source);
        return source.Task;
    }

    private sealed class ReplaySafeLogger(OrchestrationExecutor owner, ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => !owner.IsReplaying && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!owner.IsReplaying)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
