namespace Approvals.Durable.Core;

/// <summary>Derives outstanding work from history: what a new owner must re-dispatch or re-arm after a crash.</summary>
internal static class HistoryAnalysis
{
    /// <summary>Scheduling events (activity, timer, sub-orchestration) that have no completion yet.</summary>
    public static List<HistoryRecord> Open(IEnumerable<HistoryRecord> history)
    {
        var open = new Dictionary<int, HistoryRecord>();
        foreach (var e in history)
        {
            switch (e.Kind)
            {
                case EventKind.TaskScheduled or EventKind.TimerCreated or EventKind.SubOrchestrationCreated when e.TaskId is { } id:
                    open[id] = e;
                    break;
                case EventKind.TaskCompleted or EventKind.TaskFailed or EventKind.TimerFired
                    or EventKind.SubOrchestrationCompleted or EventKind.SubOrchestrationFailed when e.TaskId is { } done:
                    open.Remove(done);
                    break;
            }
        }

        return [.. open.Values];
    }
}
