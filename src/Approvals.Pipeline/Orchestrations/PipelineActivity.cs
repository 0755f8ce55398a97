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


/// <summary>Base of the pipeline's activities: an SDK <see cref="TaskActivity{TInput, TOutput}"/> over <see cref="ActivityRequest{T}"/>.</summary>
/// <remarks>
/// The <see cref="ActivityCall.CancellationToken"/> is deliberately never signalled by a host: an activity cancelled at
/// shutdown throws, DTFx records that as the activity's failure and the case orchestration fails for good. An activity
/// in flight finishes within the host's shutdown timeout instead, or dies with the process and runs again.
/// </remarks>
internal abstract class PipelineActivity<TInput, TOutput> : TaskActivity<ActivityRequest<TInput>, TOutput>
{
    public sealed override Task<TOutput> RunAsync(TaskActivityContext context, ActivityRequest<TInput> input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        return RunAsync(new ActivityCall(context.InstanceId, input.Key, CancellationToken.None), input.Input);
    }

    public abstract Task<TOutput> RunAsync(ActivityCall context, TInput input);
}

/// <summary>
/// Calls of pipeline activities from orchestrations: each call gets its replay-stable key, and by default a retry
/// policy — a storage hiccup that outlasts the SDK's own retries must not fail a case for good, and every activity
/// is idempotent, so running one again is safe.
/// </summary>
internal static class PipelineActivityCalls
{
    /// <summary>Four more attempts over about 15 s, then the failure reaches the orchestration.</summary>
    public static readonly RetryPolicy DefaultRetry = new(5, TimeSpan.FromSeconds(1), 2.0, TimeSpan.FromSeconds(10));

    public static Task<TOutput> CallAsync<TOutput>(this TaskOrchestrationContext context, string name, object input, TaskOptions? options = null) =>
        context.CallActivityAsync<TOutput>(name, Request(context, name, input), options ?? TaskOptions.FromRetryPolicy(DefaultRetry));

    public static Task CallAsync(this TaskOrchestrationContext context, string name, object input, TaskOptions? options = null) =>
        context.CallActivityAsync(name, Request(context, name, input), options ?? TaskOptions.FromRetryPolicy(DefaultRetry));

    // Serialised as {key, input}: the activity side reads it as ActivityRequest<its input type>. The activity's name is
    // part of the key, so that should an execution ever take another path, a key never lands on another activity.
    private static ActivityRequest<object> Request(TaskOrchestrationContext context, string name, object input) =>
        new(StableIds.Next(context, "call:" + name), input);
}
