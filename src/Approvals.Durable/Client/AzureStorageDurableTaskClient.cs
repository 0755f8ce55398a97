using Approvals.Durable.Core;
using Approvals.Durable.Storage;
using Approvals.Durable.Worker;
using Azure;

namespace Approvals.Durable.Client;

/// <summary>
/// The client on Azure Storage. Every command is one inbox row in the instance's partition (durable before the call
/// returns, even when the instance does not exist yet), followed by a wake-up: in memory when this process owns the
/// partition, else a control-queue message.
/// </summary>
internal sealed partial class AzureStorageDurableTaskClient(EngineContext engine) : DurableTaskClient
{
    private InstanceStore Store => engine.Store;

    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(string orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orchestratorName);
        var id = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        ValidateInstanceId(id);
        await engine.Hub.EnsureCreatedAsync(cancellationToken);
        var now = engine.Time.GetUtcNow();
        var state = new InstanceState
        {
            InstanceId = id,
            Name = orchestratorName,
            Status = OrchestrationRuntimeStatus.Pending,
            ExecutionId = Guid.NewGuid().ToString("N"),
            Input = DataConverter.Serialize(input),
            CreatedAt = now,
            LastUpdatedAt = now,
            StartAt = options?.StartAt,
        };
        var start = new WorkMessage { Kind = MessageKind.Start, MessageId = MessageIds.New(now), Name = orchestratorName, Data = state.Input };
        if (!await Store.TryCreateAsync(state, start, null, cancellationToken, urgent: true))
        {
            var existing = await Store.GetStatusAsync(id, false, cancellationToken);
            if (existing is { IsTerminal: false } || !await Store.TryCreateAsync(state, start, existing, cancellationToken, urgent: true))
            {
                throw new InvalidOperationException($"An orchestration instance with id '{id}' already exists and is {existing?.Status.ToString() ?? "being created"}.");
            }
        }

        await engine.SignalCreatedAsync(state, start, cancellationToken);
        return id;
    }

    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        return SendAsync(instanceId, MessageKind.Event, eventName, DataConverter.Serialize(eventPayload), cancellationToken);
    }

    public override Task TerminateInstanceAsync(string instanceId, object? output = null, CancellationToken cancellationToken = default)
        => SendAsync(instanceId, MessageKind.Terminate, null, DataConverter.Serialize(output), cancellationToken);

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default)
        => SendAsync(instanceId, MessageKind.Suspend, null, DataConverter.Serialize(reason), cancellationToken);

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default)
        => SendAsync(instanceId, MessageKind.Resume, null, DataConverter.Serialize(reason), cancellationToken);

    public override async Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellationToken = default)
    {
        ValidateInstanceId(instanceId);
        await engine.Hub.EnsureCreatedAsync(cancellationToken);
        var state = await Store.GetStatusAsync(instanceId, getInputsAndOutputs, cancellationToken);
        return state?.ToMetadata(getInputsAndOutputs);
    }

    public override async Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellationToken = default)
    {
        var delay = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            var state = await GetInstanceAsync(instanceId, getInputsAndOutputs, cancellationToken);
            if (state is { IsCompleted: true })
            {
                return state;
            }

            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 250));
        }
    }

    public override async Task<PurgeResult> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var state = await Store.GetStatusAsync(instanceId, false, cancellationToken);
        if (state is null)
        {
            return new PurgeResult(0);
        }

        if (!state.IsTerminal)
        {
            throw new InvalidOperationException($"Instance '{instanceId}' is {state.Status}; only completed, failed or terminated instances can be purged.");
        }

        await Store.DeleteInstanceAsync(instanceId, cancellationToken);
        return new PurgeResult(1);
    }

    public override async Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, CancellationToken cancellationToken = default)
    {
        var statuses = filter.Statuses ?? [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated, OrchestrationRuntimeStatus.Canceled];
        var query = new OrchestrationQuery { CreatedFrom = filter.CreatedFrom, CreatedTo = filter.CreatedTo, Statuses = statuses };
        var count = 0;
        await foreach (var instance in GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            if (instance.IsCompleted)
            {
                await Store.DeleteInstanceAsync(instance.InstanceId, cancellationToken);
                count++;
            }
        }

        return new PurgeResult(count);
    }

    public override async Task<IReadOnlyList<HistoryEvent>> GetOrchestrationHistoryAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var state = await Store.GetStatusAsync(instanceId, false, cancellationToken);
        if (state is null)
        {
            return [];
        }

        var history = await Store.GetHistoryAsync(instanceId, state.ExecutionId, cancellationToken);
        return history.Select((e, i) => new HistoryEvent(i, e.Kind.ToString(), new DateTimeOffset(DateTime.SpecifyKind(e.Timestamp, DateTimeKind.Utc)), e.Name, e.TaskId, e.Data ?? (e.Failure is null ? null : DataConverter.Serialize(e.Failure)), state.ExecutionId)).ToList();
    }

    public override Task<IReadOnlyList<DeadLetter>> GetDeadLettersAsync(CancellationToken cancellationToken = default)
        => engine.DeadLetters.ListAsync(cancellationToken);

    public override async Task ReplayDeadLetterAsync(string deadLetterId, CancellationToken cancellationToken = default)
    {
        var found = await engine.DeadLetters.GetAsync(deadLetterId, cancellationToken)
            ?? throw new KeyNotFoundException($"No dead letter '{deadLetterId}'.");
        var now = engine.Time.GetUtcNow();
        await Store.SendAsync(found.Letter.InstanceId, new WorkMessage
        {
            Kind = MessageKind.RetryDeadLetter,
            MessageId = MessageIds.New(now),
            TaskId = found.TaskId,
            ExecutionId = string.IsNullOrEmpty(found.ExecutionId) ? null : found.ExecutionId,
        }, cancellationToken, urgent: true);
        await engine.DeadLetters.DeleteAsync(deadLetterId, cancellationToken);
        await engine.SignalAsync(found.Letter.InstanceId, cancellationToken);
    }

    private async Task SendAsync(string instanceId, MessageKind kind, string? name, string? data, CancellationToken ct)
    {
        ValidateInstanceId(instanceId);
        await engine.Hub.EnsureCreatedAsync(ct);
        var message = new WorkMessage { Kind = kind, MessageId = MessageIds.New(engine.Time.GetUtcNow()), Name = name, Data = data };
        await Store.SendAsync(instanceId, message, ct, urgent: true);
        await engine.SignalAsync(instanceId, ct, message);
    }

    private static void ValidateInstanceId(string instanceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        if (instanceId.Length > 256)
        {
            throw new ArgumentException("Instance ids are at most 256 characters.", nameof(instanceId));
        }
    }
}
