namespace Approvals.Durable;

/// <summary>Options for scheduling an activity or sub-orchestration.</summary>
/// <param name="Retry">Retry policy; retry waits are durable timers.</param>
public record TaskOptions(RetryPolicy? Retry = null)
{
    /// <summary>Options with only a retry policy.</summary>
    public static TaskOptions FromRetryPolicy(RetryPolicy policy) => new(policy);
}

/// <summary>Options for a sub-orchestration.</summary>
/// <param name="InstanceId">The child's instance id; derived deterministically from the parent's when null.</param>
/// <param name="Retry">Retry policy.</param>
public sealed record SubOrchestrationOptions(string? InstanceId = null, RetryPolicy? Retry = null) : TaskOptions(Retry);

/// <summary>Retry with exponential backoff.</summary>
/// <param name="MaxNumberOfAttempts">Total attempts, the first included (≥ 1).</param>
/// <param name="FirstRetryInterval">Wait before the second attempt.</param>
/// <param name="BackoffCoefficient">Multiplier applied to the wait after each failure (≥ 1).</param>
/// <param name="MaxRetryInterval">Cap on a single wait.</param>
public sealed record RetryPolicy(int MaxNumberOfAttempts, TimeSpan FirstRetryInterval, double BackoffCoefficient = 1.0, TimeSpan? MaxRetryInterval = null)
{
    /// <summary>The wait before attempt <paramref name="attempt"/> + 1 (attempt counts from 1).</summary>
    public TimeSpan DelayAfter(int attempt)
    {
        var ticks = FirstRetryInterval.Ticks * Math.Pow(Math.Max(1.0, BackoffCoefficient), attempt - 1);
        var max = (MaxRetryInterval ?? TimeSpan.FromDays(6)).Ticks;
        return TimeSpan.FromTicks((long)Math.Min(ticks, max));
    }
}

/// <summary>Options for starting an orchestration.</summary>
/// <param name="InstanceId">The instance id; a new GUID when null.</param>
/// <param name="StartAt">Delay the start until this time.</param>
public sealed record StartOrchestrationOptions(string? InstanceId = null, DateTimeOffset? StartAt = null);

/// <summary>Why a task failed, carried across history and to the caller.</summary>
/// <param name="ErrorType">The exception type name.</param>
/// <param name="ErrorMessage">The message.</param>
/// <param name="StackTrace">The stack trace, if any.</param>
/// <param name="InnerFailure">The cause, if any.</param>
public sealed record TaskFailureDetails(string ErrorType, string ErrorMessage, string? StackTrace = null, TaskFailureDetails? InnerFailure = null)
{
    internal static TaskFailureDetails FromException(Exception e) => new(
        e is TaskFailedException tf ? tf.FailureDetails.ErrorType : e.GetType().FullName ?? e.GetType().Name,
        e.Message,
        e.StackTrace,
        e.InnerException is null ? null : FromException(e.InnerException));

    /// <summary>True when the failure (or its cause) is of type <typeparamref name="T"/>.</summary>
    public bool IsCausedBy<T>() where T : Exception
        => ErrorType == typeof(T).FullName || (InnerFailure?.IsCausedBy<T>() ?? false);
}

/// <summary>An activity or sub-orchestration failed; thrown into the calling orchestrator.</summary>
public sealed class TaskFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TaskFailedException(string taskName, int taskId, TaskFailureDetails failureDetails)
        : base($"Task '{taskName}' (#{taskId}) failed: {failureDetails.ErrorType}: {failureDetails.ErrorMessage}")
    {
        TaskName = taskName;
        TaskId = taskId;
        FailureDetails = failureDetails;
    }

    /// <summary>The failed task's name.</summary>
    public string TaskName { get; }

    /// <summary>The failed task's action id.</summary>
    public int TaskId { get; }

    /// <summary>The failure.</summary>
    public TaskFailureDetails FailureDetails { get; }
}
