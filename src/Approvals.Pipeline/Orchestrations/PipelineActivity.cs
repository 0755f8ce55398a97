using Microsoft.DurableTask;

namespace Approvals.Pipeline.Orchestrations;

/// <summary>
/// What every activity of ours receives: its input and an idempotency key chosen by the calling orchestration.
/// Why a key in the input: DTFx runs an activity at least once (a crash between its effect and the checkpoint
/// re-runs it), and the SDK's <see cref="TaskActivityContext"/> carries no task id to derive one from — here or in
/// the Functions host. The orchestration takes the key from <see cref="StableIds"/>, which gives the same key to
/// every execution of one call, so a re-run (or a retry under a retry policy) sees the same key and a different call
/// never does.
/// </summary>
/// <typeparam name="T">The activity's own input.</typeparam>
internal sealed record ActivityRequest<T>(string Key, T Input);

/// <summary>What an activity of ours knows about its call.</summary>
/// <param name="InstanceId">The calling orchestration instance.</param>
/// <param name="IdempotencyKey">Stable across re-runs of this call; store or check it in the same write as the effect.</param>
/// <param name="CancellationToken">Signalled when the host shuts down.</param>
internal sealed record ActivityCall(string InstanceId, string IdempotencyKey, CancellationToken CancellationToken);

/// <summary>Lets a host hand an activity its stopping token (the SDK's activity context has none).</summary>
internal interface IPipelineActivity
{
    CancellationToken Stopping { get; set; }
}

/// <summary>Base of the pipeline's activities: an SDK <see cref="TaskActivity{TInput, TOutput}"/> over <see cref="ActivityRequest{T}"/>.</summary>
internal abstract class PipelineActivity<TInput, TOutput> : TaskActivity<ActivityRequest<TInput>, TOutput>, IPipelineActivity
{
    public CancellationToken Stopping { get; set; }

    public sealed override Task<TOutput> RunAsync(TaskActivityContext context, ActivityRequest<TInput> input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        return RunAsync(new ActivityCall(context.InstanceId, input.Key, Stopping), input.Input);
    }

    public abstract Task<TOutput> RunAsync(ActivityCall context, TInput input);
}

/// <summary>Calls of pipeline activities from orchestrations: each call gets its replay-stable key.</summary>
internal static class PipelineActivityCalls
{
    public static Task<TOutput> CallAsync<TOutput>(this TaskOrchestrationContext context, string name, object input, TaskOptions? options = null) =>
        context.CallActivityAsync<TOutput>(name, Request(context, input), options);

    public static Task CallAsync(this TaskOrchestrationContext context, string name, object input, TaskOptions? options = null) =>
        context.CallActivityAsync(name, Request(context, input), options);

    // Serialised as {key, input}: the activity side reads it as ActivityRequest<its input type>.
    private static ActivityRequest<object> Request(TaskOrchestrationContext context, object input) =>
        new(StableIds.Next(context, "call"), input);
}
