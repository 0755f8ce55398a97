using Microsoft.Extensions.Logging;

namespace Approvals.Durable.Core;

/// <summary>How an execution ended.</summary>
internal sealed record ExecutorOutcome(
    OrchestrationRuntimeStatus Status,
    string? Output,
    TaskFailureDetails? Failure,
    string? ContinueAsNewInput = null,
    IReadOnlyList<(string Name, string? Data)>? CarryOverEvents = null);

/// <summary>
/// Runs one execution of an orchestrator incrementally: history events are applied one by one (replay), then the
/// new events of an episode; the executor stays alive in the host's cache between episodes, so a cached instance
/// never replays. Invariants:
/// <list type="bullet">
/// <item>Action ids are handed out 0, 1, 2… in call order. During replay an action must match the recorded
/// scheduling event with that id (kind and name), otherwise the execution fails with a non-determinism error naming
/// both; after replay every recorded action must have been produced again.</item>
/// <item>A completion is applied at most once (the open-task table forgets it), so duplicates never reach code.</item>
/// <item>External events go to the oldest live waiter of their name; with no waiter they are buffered.</item>
/// </list>
/// </summary>
internal sealed partial class OrchestrationExecutor : TaskOrchestrationContext
{
    private readonly OrchestrationSynchronizationContext _sync = new();
    private readonly ITaskOrchestrator _orchestrator;
    private readonly ILoggerFactory _loggerFactory;
    private readonly Dictionary<int, HistoryRecord> _recorded = [];
    private readonly Dictionary<int, OpenTask> _open = [];
    private readonly Dictionary<string, LinkedList<TaskCompletionSource<string?>>> _waiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Queue<string?>> _buffered = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<HistoryRecord> _newActions = [];
    private int _nextId;
    private int _guidCounter;
    private bool _replaying;
    private DateTime _now;
    private string? _input;
    private Task<object?>? _run;
    private string? _nonDeterminism;
    private (string? Input, bool Preserve)? _continueAsNew;

    public OrchestrationExecutor(string name, string instanceId, string executionId, ITaskOrchestrator orchestrator, ILoggerFactory loggerFactory)
    {
        Name = name;
        InstanceId = instanceId;
        ExecutionId = executionId;
        _orchestrator = orchestrator;
        _loggerFactory = loggerFactory;
    }

    private sealed record OpenTask(EventKind Kind, string? Name, TaskCompletionSource<string?> Source);

    public override string Name { get; }

    public override string InstanceId { get; }

    public string ExecutionId { get; }

    public override DateTime CurrentUtcDateTime => _now;

    public override bool IsReplaying => _replaying;

    public string? CustomStatus { get; private set; }

    public ExecutorOutcome? Outcome { get; private set; }

    /// <summary>Re-runs recorded history. Called once when an instance is loaded from storage.</summary>
    public void Replay(IReadOnlyList<HistoryRecord> history)
    {
        foreach (var e in history.Where(e => e.IsScheduling && e.TaskId is not null))
        {
            _recorded[e.TaskId!.Value] = e;
        }

        _replaying = true;
        try
        {
            foreach (var e in history)
            {
                Apply(e);
            }
        }
        finally
        {
            _replaying = false;
        }

        var missing = _recorded.Keys.Where(id => id >= _nextId).Order().FirstOrDefault(-1);
        if (missing >= 0 && Outcome is null && _nonDeterminism is null)
        {
            var rec = _recorded[missing];
            NonDeterminism($"history has {HistoryRecord.Describe(rec.Kind, rec.Name)} as action #{missing}, but the orchestrator code no longer schedules it");
            CheckCompletion();
        }
    }

    /// <summary>Applies one event (replayed or new) and runs the continuations it releases.</summary>
    public void Apply(HistoryRecord e)
    {
        if (Outcome is not null && e.Kind != EventKind.ExecutionTerminated)
        {
            return;
        }

        switch (e.Kind)
        {
            case EventKind.ExecutionStarted:
                _now = e.Timestamp;
                _input = e.Data;
                _sync.Run(Start);
                break;
            case EventKind.OrchestratorStarted:
                _now = e.Timestamp;
                break;
            case EventKind.TaskCompleted or EventKind.SubOrchestrationCompleted or EventKind.TimerFired:
                if (e.TaskId is { } done && _open.Remove(done, out var ok))
                {
                    _sync.Run(() => ok.Source.TrySetResult(e.Data));
                }

                break;
            case EventKind.TaskFailed or EventKind.SubOrchestrationFailed:
                if (e.TaskId is { } failed && _open.Remove(failed, out var bad))
                {
                    var failure = e.Failure ?? new TaskFailureDetails("Unknown", "no details");
                    _sync.Run(() => bad.Source.TrySetException(new TaskFailedException(bad.Name ?? "?", failed, failure)));
                }

                break;
            case EventKind.EventRaised:
                _sync.Run(() => Deliver(e.Name ?? "", e.Data));
                break;
            case EventKind.ExecutionTerminated:
                Outcome = new ExecutorOutcome(OrchestrationRuntimeStatus.Terminated, e.Data, null);
                return;
        }

        CheckCompletion();
    }

    /// <summary>The scheduling events produced since the last call (they become this episode's history).</summary>
    public List<HistoryRecord> TakeNewActions()
    {
        var result = new List<HistoryRecord>(_newActions);
        _newActions.Clear();
        return result;
    }

    public bool IsTaskOpen(int taskId) => _open.ContainsKey(taskId);

    private void Start()
    {
        try
        {
            var input = _input is null ? null : DataConverter.Deserialize(_input, _orchestrator.InputType);
            _run = _orchestrator.RunAsync(this, input);
        }
        catch (Exception ex)
        {
            _run = Task.FromException<object?>(ex);
        }
    }

    private void CheckCompletion()
    {
        if (Outcome is not null)
        {
            return;
        }

        if (_nonDeterminism is not null)
        {
            Outcome = new ExecutorOutcome(OrchestrationRuntimeStatus.Failed, null,
                new TaskFailureDetails("NonDeterministicOrchestrationException", _nonDeterminism));
            return;
        }

        if (_run is not { IsCompleted: true } run)
        {
            return;
        }

        if (run.IsFaulted || run.IsCanceled)
        {
            var ex = run.Exception?.InnerException ?? new TaskCanceledException("The orchestration was cancelled.");
            Outcome = new ExecutorOutcome(OrchestrationRuntimeStatus.Failed, null, TaskFailureDetails.FromException(ex));
        }
        else if (_continueAsNew is { } can)
        {
            var carry = can.Preserve
                ? _buffered.SelectMany(kv => kv.Value.Select(d => (kv.Key, d))).ToList()
                : [];
            Outcome = new ExecutorOutcome(OrchestrationRuntimeStatus.ContinuedAsNew, null, null, can.Input, carry);
        }
        else
        {
            Outcome = new ExecutorOutcome(OrchestrationRuntimeStatus.Completed, DataConverter.Serialize(run.Result), null);
        }
    }

    private void NonDeterminism(string message)
    {
        _nonDeterminism ??= $"Non-deterministic orchestration '{Name}' ({InstanceId}): {message}.";
    }

    private void Deliver(string name, string? data)
    {
        if (_waiters.TryGetValue(name, out var list))
        {
            while (list.First is { } first)
            {
                list.RemoveFirst();
                if (first.Value.TrySetResult(data))
                {
                    return;
                }
            }
        }

        if (!_buffered.TryGetValue(name, out var queue))
        {
            _buffered[name] = queue = new Queue<string?>();
        }

        queue.Enqueue(data);
    }
}
