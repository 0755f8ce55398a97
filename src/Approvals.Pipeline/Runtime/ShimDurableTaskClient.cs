using DurableTask.AzureStorage;
using DurableTask.AzureStorage.Tracking;
using DurableTask.Core;
using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using CoreStatus = DurableTask.Core.OrchestrationStatus;
using SdkFailure = Microsoft.DurableTask.TaskFailureDetails;
using PurgeResult = Microsoft.DurableTask.Client.PurgeResult;

namespace Approvals.Pipeline.Runtime;

/// <summary>
/// The SDK's <see cref="DurableTaskClient"/> over DTFx's Azure Storage provider, so that handlers use one client type
/// in this host and in the Functions app (where <c>[DurableClient]</c> gives the SDK's own). Written by hand because
/// the SDK's shim client package is not served here.
/// Invariant: every payload is written with the SDK's <see cref="DataConverter"/> (System.Text.Json), the converter
/// the shims read with; DTFx's own <c>TaskHubClient</c> would write with Newtonsoft and is therefore not used.
/// </summary>
internal sealed class ShimDurableTaskClient(AzureStorageOrchestrationService service) : DurableTaskClient("approvals")
{
    /// <summary>Starting an id in one of these states is refused (as the SDK's default id-reuse policy does).</summary>
    private static readonly CoreStatus[] RunningStatuses = [CoreStatus.Pending, CoreStatus.Running, CoreStatus.ContinuedAsNew, CoreStatus.Suspended];

    private static readonly DataConverter Converter = JsonDataConverter.Default;

    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        var instance = new OrchestrationInstance
        {
            InstanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N"),
            ExecutionId = Guid.NewGuid().ToString("N"),
        };
        var started = new ExecutionStartedEvent(-1, Converter.Serialize(input))
        {
            Name = orchestratorName.Name,
            Version = string.Empty, // our orchestrators are registered unversioned
            OrchestrationInstance = instance,
            ScheduledStartTime = options?.StartAt?.UtcDateTime,
            Tags = options?.Tags is { Count: > 0 } tags ? new Dictionary<string, string>(tags) : null,
        };
        try
        {
            await service.CreateTaskOrchestrationAsync(new TaskMessage { OrchestrationInstance = instance, Event = started }, RunningStatuses).WaitAsync(cancellation);
        }
        catch (OrchestrationAlreadyExistsException e)
        {
            throw new InvalidOperationException($"An orchestration with instance id '{instance.InstanceId}' already exists and is not finished.", e);
        }

        return instance.InstanceId;
    }

    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new EventRaisedEvent(-1, Converter.Serialize(eventPayload)) { Name = eventName }, cancellation);

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new ExecutionSuspendedEvent(-1, reason), cancellation);

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new ExecutionResumedEvent(-1, reason), cancellation);

    public override Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default) =>
        service.ForceTerminateTaskOrchestrationAsync(instanceId, Converter.Serialize(options?.Output)).WaitAsync(cancellation);

    public override async Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        var states = await service.GetOrchestrationStateAsync(instanceId, allExecutions: false, fetchInput: getInputsAndOutputs).WaitAsync(cancellation);
        return states.FirstOrDefault(s => s is not null) is { } state ? ToMetadata(state, getInputsAndOutputs) : null;
    }

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) =>
        Pageable.Create(async (string? token, int? pageSize, CancellationToken cancellation) =>
        {
            var condition = new OrchestrationInstanceStatusQueryCondition
            {
                CreatedTimeFrom = filter?.CreatedFrom?.UtcDateTime ?? default,
                CreatedTimeTo = filter?.CreatedTo?.UtcDateTime ?? default,
                RuntimeStatus = filter?.Statuses?.Select(s => (CoreStatus)s).ToList(),
                InstanceIdPrefix = filter?.InstanceIdPrefix,
                FetchInput = filter?.FetchInputsAndOutputs ?? false,
            };
            var result = await service.GetOrchestrationStateAsync(condition, pageSize ?? filter?.PageSize ?? OrchestrationQuery.DefaultPageSize, token ?? filter?.ContinuationToken, cancellation);
            var items = result.OrchestrationState.Select(s => ToMetadata(s, filter?.FetchInputsAndOutputs ?? false)).ToList();
            return new Page<OrchestrationMetadata>(items, string.IsNullOrEmpty(result.ContinuationToken) ? null : result.ContinuationToken);
        });

    public override async Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        await PollAsync(instanceId, getInputsAndOutputs, m => m.RuntimeStatus != OrchestrationRuntimeStatus.Pending, cancellation);

    public override async Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        await PollAsync(instanceId, getInputsAndOutputs, m => m.IsCompleted, cancellation);

    public override async Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        var result = await service.PurgeInstanceHistoryAsync(instanceId).WaitAsync(cancellation);
        return new PurgeResult(result.InstancesDeleted);
    }

    public override async Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var statuses = filter.Statuses?.Select(s => (CoreStatus)s).ToList()
            ?? [CoreStatus.Completed, CoreStatus.Failed, CoreStatus.Terminated, CoreStatus.Canceled];
        var result = await service.PurgeInstanceHistoryAsync(filter.CreatedFrom?.UtcDateTime ?? DateTime.MinValue, filter.CreatedTo?.UtcDateTime, statuses).WaitAsync(cancellation);
        return new PurgeResult(result.InstancesDeleted);
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Task SendAsync(string instanceId, HistoryEvent e, CancellationToken cancellation) =>
        service.SendTaskOrchestrationMessageAsync(new TaskMessage { OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId }, Event = e }).WaitAsync(cancellation);

    private async Task<OrchestrationMetadata> PollAsync(string instanceId, bool getInputsAndOutputs, Func<OrchestrationMetadata, bool> done, CancellationToken cancellation)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            if (await GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation) is { } m && done(m))
            {
                return m;
            }

            await Task.Delay(delay, cancellation);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
        }
    }

    private static OrchestrationMetadata ToMetadata(OrchestrationState state, bool withInputsAndOutputs) =>
        new(state.Name, state.OrchestrationInstance.InstanceId)
        {
            DataConverter = Converter,
            RuntimeStatus = (OrchestrationRuntimeStatus)state.OrchestrationStatus,
            CreatedAt = new DateTimeOffset(DateTime.SpecifyKind(state.CreatedTime, DateTimeKind.Utc)),
            LastUpdatedAt = new DateTimeOffset(DateTime.SpecifyKind(state.LastUpdatedTime, DateTimeKind.Utc)),
            SerializedInput = withInputsAndOutputs ? state.Input : null,
            SerializedOutput = withInputsAndOutputs ? state.Output : null,
            SerializedCustomStatus = state.Status,
            FailureDetails = ToFailure(state.FailureDetails),
        };

    private static SdkFailure? ToFailure(FailureDetails? d) =>
        d is null ? null : new SdkFailure(d.ErrorType, d.ErrorMessage, d.StackTrace, ToFailure(d.InnerFailure), null);
}
