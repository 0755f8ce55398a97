using Microsoft.Extensions.Logging;

namespace Approvals.Durable;

/// <summary>
/// The orchestration's view of the world, as in <c>Microsoft.DurableTask</c>. Every scheduling call gets the next
/// action id (0, 1, 2… in call order); on replay the id must match the recorded action's kind and name.
/// </summary>
public abstract class TaskOrchestrationContext
{
    /// <summary>The orchestrator name.</summary>
    public abstract string Name { get; }

    /// <summary>The instance id.</summary>
    public abstract string InstanceId { get; }

    /// <summary>The time of the current episode, from its start event (deterministic on replay).</summary>
    public abstract DateTime CurrentUtcDateTime { get; }

    /// <summary>True while the code re-runs history already recorded.</summary>
    public abstract bool IsReplaying { get; }

    /// <summary>Schedules an activity and returns its result.</summary>
    /// <exception cref="TaskFailedException">The activity failed (after any retries).</exception>
    public abstract Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, TaskOptions? options = null);

    /// <summary>Schedules an activity without a result.</summary>
    public Task CallActivityAsync(string name, object? input = null, TaskOptions? options = null)
        => CallActivityAsync<object?>(name, input, options);

    /// <summary>Starts a sub-orchestration and returns its output.</summary>
    /// <exception cref="TaskFailedException">The sub-orchestration failed.</exception>
    public abstract Task<TResult> CallSubOrchestratorAsync<TResult>(string orchestratorName, object? input = null, TaskOptions? options = null);

    /// <summary>Starts a sub-orchestration and waits for it.</summary>
    public Task CallSubOrchestratorAsync(string orchestratorName, object? input = null, TaskOptions? options = null)
        => CallSubOrchestratorAsync<object?>(orchestratorName, input, options);

    /// <summary>
    /// Waits for an external event. Events raised before this call (even before the instance started) are
    /// buffered and delivered; several waiters on one name are served oldest first; a cancelled waiter takes nothing.
    /// </summary>
    public abstract Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default);

    /// <summary>Waits for an external event at most <paramref name="timeout"/> (a durable timer).</summary>
    /// <exception cref="TaskCanceledException">The timeout elapsed first.</exception>
    public async Task<T> WaitForExternalEvent<T>(string eventName, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var wait = WaitForExternalEvent<T>(eventName, cts.Token);
        var timer = CreateTimer(CurrentUtcDateTime + timeout, cts.Token);
        var winner = await Task.WhenAny(wait, timer);
#pragma warning disable CA1849 // Cancel synchronously: the callbacks must run on the orchestration's own thread, now.
        cts.Cancel();
#pragma warning restore CA1849
        if (winner == wait)
        {
            return await wait;
        }

        throw new TaskCanceledException($"Timed out after {timeout} waiting for external event '{eventName}'.");
    }

    /// <summary>A durable timer firing at <paramref name="fireAt"/> (UTC), of any length.</summary>
    /// <remarks>Cancelling the token completes the task as cancelled; the stored timer fire is then ignored.</remarks>
    public abstract Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken);

    /// <summary>A durable timer firing after <paramref name="delay"/> from <see cref="CurrentUtcDateTime"/>.</summary>
    public Task CreateTimer(TimeSpan delay, CancellationToken cancellationToken)
        => CreateTimer(CurrentUtcDateTime + delay, cancellationToken);

    /// <summary>Sends an event to another instance (delivered even if it has not started yet).</summary>
    public abstract void SendEvent(string instanceId, string eventName, object? payload);

    /// <summary>Sets the custom status stored with the instance at the end of this episode.</summary>
    public abstract void SetCustomStatus(object? customStatus);

    /// <summary>Restarts the orchestration with a new input and an empty history once this episode ends.</summary>
    /// <param name="newInput">The next execution's input.</param>
    /// <param name="preserveUnprocessedEvents">Carry events received but not yet consumed into the next execution.</param>
    public abstract void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true);

    /// <summary>A GUID that is the same on every replay (name-based, from the instance id and a counter).</summary>
    public abstract Guid NewGuid();

    /// <summary>The input, deserialised as <typeparamref name="T"/>.</summary>
    public abstract T? GetInput<T>();

    /// <summary>A logger that writes only when not replaying.</summary>
    public abstract ILogger CreateReplaySafeLogger(string categoryName);

    /// <summary>A logger that writes only when not replaying.</summary>
    public ILogger CreateReplaySafeLogger<T>() => CreateReplaySafeLogger(typeof(T).FullName ?? typeof(T).Name);
}
