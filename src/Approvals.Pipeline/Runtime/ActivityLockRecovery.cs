using System.Collections;
using System.Reflection;
using DurableTask.AzureStorage;
using DurableTask.Core;

namespace Approvals.Pipeline.Runtime;

/// <summary>
/// The provider as the worker sees it, with one repair: an activity message whose completion failed is released.
/// Why: DurableTask.AzureStorage 2.11.2 remembers each activity message it hands out in a private table and forgets it
/// only after a successful storage call (complete or abandon). When storage is down as the activity finishes, both
/// fail, the entry stays, and every later delivery of that message is refused as "being processed multiple times
/// concurrently" — the activity never runs again and its orchestration waits until the process restarts (seen in
/// StorageOutageTests: 2 of 7 runs of a 60-s outage). Forgetting the entry when the call fails lets the message come
/// back after its visibility timeout and run again; our activities are idempotent, so a second run changes nothing.
/// No public API reaches that table; the pinned provider version (Directory.Packages.props) keeps the field's name, and
/// a provider without it stops the host at start-up rather than failing silently in an outage.
/// </summary>
internal sealed partial class ActivityLockRecovery(AzureStorageOrchestrationService inner, ILogger<ActivityLockRecovery> logger) : IOrchestrationService
{
    private static readonly FieldInfo ActiveActivities =
        typeof(AzureStorageOrchestrationService).GetField("activeActivitySessions", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new InvalidOperationException("DurableTask.AzureStorage no longer has 'activeActivitySessions': review ActivityLockRecovery against the new provider version.");

    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;

    public int MaxConcurrentTaskOrchestrationWorkItems => inner.MaxConcurrentTaskOrchestrationWorkItems;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;

    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;

    public int MaxConcurrentTaskActivityWorkItems => inner.MaxConcurrentTaskActivityWorkItems;

    public async Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        try
        {
            await inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);
        }
        catch (Exception e)
        {
            Forget(workItem, e);
            throw;
        }
    }

    public async Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        try
        {
            await inner.AbandonTaskActivityWorkItemAsync(workItem);
        }
        catch (Exception e)
        {
            Forget(workItem, e);
            throw;
        }
    }

    public Task StartAsync() => inner.StartAsync();

    public Task StopAsync() => inner.StopAsync();

    public Task StopAsync(bool isForced) => inner.StopAsync(isForced);

    public Task CreateAsync() => inner.CreateAsync();

    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);

    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();

    public Task DeleteAsync() => inner.DeleteAsync();

    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) => inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);

    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public Task CompleteTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem, OrchestrationRuntimeState newOrchestrationRuntimeState, IList<TaskMessage> outboundMessages, IList<TaskMessage> orchestratorMessages, IList<TaskMessage> timerMessages, TaskMessage continuedAsNewMessage, OrchestrationState orchestrationState) =>
        inner.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.AbandonTaskOrchestrationWorkItemAsync(workItem);

    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);

    public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);

    private void Forget(TaskActivityWorkItem workItem, Exception e)
    {
        // A ConcurrentDictionary: its non-generic Remove is thread-safe on its own.
        var active = (IDictionary)ActiveActivities.GetValue(inner)!;
        active.Remove(workItem.Id);

        LogReleased(logger, e, workItem.Id);
    }

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "Activity message {MessageId} could not be completed or abandoned (storage unreachable?); released so that it runs again when it reappears")]
    private static partial void LogReleased(ILogger logger, Exception e, string messageId);
}
