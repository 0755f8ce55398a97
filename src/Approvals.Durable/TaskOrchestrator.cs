namespace Approvals.Durable;

/// <summary>An orchestrator as the engine sees it: untyped input and output.</summary>
public interface ITaskOrchestrator
{
    /// <summary>The input type, for deserialisation.</summary>
    Type InputType { get; }

    /// <summary>Runs the orchestrator; called again on every replay.</summary>
    Task<object?> RunAsync(TaskOrchestrationContext context, object? input);
}

/// <summary>
/// Base class for orchestrators. <see cref="RunAsync(TaskOrchestrationContext, TInput)"/> is replayed from history:
/// it must be deterministic (time from <see cref="TaskOrchestrationContext.CurrentUtcDateTime"/>, GUIDs from
/// <see cref="TaskOrchestrationContext.NewGuid"/>, I/O only through activities) and must not use
/// <c>ConfigureAwait(false)</c>: continuations have to run on the orchestration's own single-threaded context.
/// </summary>
/// <typeparam name="TInput">Input type.</typeparam>
/// <typeparam name="TOutput">Output type.</typeparam>
public abstract class TaskOrchestrator<TInput, TOutput> : ITaskOrchestrator
{
    /// <inheritdoc />
    public Type InputType => typeof(TInput);

    /// <summary>The orchestration's logic.</summary>
    public abstract Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input);

    async Task<object?> ITaskOrchestrator.RunAsync(TaskOrchestrationContext context, object? input)
        => await RunAsync(context, input is null ? default! : (TInput)input);
}

/// <summary>An activity as the engine sees it: untyped input and output.</summary>
public interface ITaskActivity
{
    /// <summary>The input type, for deserialisation.</summary>
    Type InputType { get; }

    /// <summary>Runs the activity.</summary>
    Task<object?> RunAsync(TaskActivityContext context, object? input);
}

/// <summary>
/// Base class for activities: the only place an orchestration does I/O. Activities run at least once;
/// use <see cref="TaskActivityContext.IdempotencyKey"/> to make their side effects idempotent.
/// </summary>
/// <typeparam name="TInput">Input type.</typeparam>
/// <typeparam name="TOutput">Output type.</typeparam>
public abstract class TaskActivity<TInput, TOutput> : ITaskActivity
{
    /// <inheritdoc />
    public Type InputType => typeof(TInput);

    /// <summary>The activity's work.</summary>
    public abstract Task<TOutput> RunAsync(TaskActivityContext context, TInput input);

    async Task<object?> ITaskActivity.RunAsync(TaskActivityContext context, object? input)
        => await RunAsync(context, input is null ? default! : (TInput)input).ConfigureAwait(false);
}

/// <summary>What an activity knows about its invocation.</summary>
/// <param name="Name">The activity name.</param>
/// <param name="InstanceId">The calling orchestration instance.</param>
/// <param name="IdempotencyKey">
/// Stable across re-executions of the same scheduled task (<c>{instanceId}:{executionId}:{taskId}</c>): a retry or a
/// re-dispatch after a crash sees the same key, a different task never does.
/// </param>
/// <param name="CancellationToken">Signalled when the host shuts down.</param>
public sealed record TaskActivityContext(string Name, string InstanceId, string IdempotencyKey, CancellationToken CancellationToken);
