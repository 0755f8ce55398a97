using Approvals.Durable.Core;
using Approvals.Durable.Storage;

namespace Approvals.Durable.Worker;

/// <summary>Turning waiting messages into this episode's history events, with every duplicate filtered out.</summary>
internal sealed partial class PartitionProcessor
{
    private sealed record EpisodePlan(List<HistoryRecord> Events, List<WorkMessage> ConsumedInbox, List<WorkMessage> ConsumedLocal, bool MoreInbox);

    /// <summary>
    /// Exactly-once steps rest on these filters: a completion is taken only for a task still open in history, an
    /// event only if its message id is not already in history, a message only for the current execution. Anything
    /// else is consumed without effect (a re-delivery after a crash or a partition move).
    /// </summary>
    private EpisodePlan Plan(InstanceRuntime rt, InstanceState state, List<WorkMessage> local, DateTimeOffset now)
    {
        var events = new List<HistoryRecord>();
        var consumedInbox = new List<WorkMessage>();
        var consumedLocal = new List<WorkMessage>();
        var open = HistoryAnalysis.Open(rt.History).Select(e => e.TaskId!.Value).ToHashSet();
        var started = rt.History.Count > 0;
        var status = state.Status;
        var terminal = state.IsTerminal;
        var more = false;
        var at = now.UtcDateTime;

        // Messages that must wait (events before the start, anything but resume while suspended) get a second pass
        // when this very episode starts or resumes the instance, so they are not left for a later wake-up.
        var deferred = new List<WorkMessage>();
        foreach (var m in rt.Inbox.OrderBy(m => m.InboxRowKey, StringComparer.Ordinal).Concat(Deferred()))
        {
            if (consumedInbox.Count >= MaxInboxPerEpisode)
            {
                more = true;
                break;
            }

            if (terminal || (m.ExecutionId is not null && m.ExecutionId != state.ExecutionId))
            {
                consumedInbox.Add(m); // nothing to deliver to: dropped, not retried forever
                continue;
            }

            if (m.Kind == MessageKind.Start)
            {
                if (!started)
                {
                    if (state.StartAt is { } startAt && startAt > now)
                    {
                        _engine.Timers.Wake(rt.InstanceId, startAt, "start");
                        break;
                    }

                    events.Add(new HistoryRecord { Kind = EventKind.ExecutionStarted, Timestamp = at, Name = m.Name ?? state.Name, Data = m.Data, MessageId = m.MessageId });
                    started = true;
                }

                consumedInbox.Add(m);
                continue;
            }

            if (!started || (status == OrchestrationRuntimeStatus.Suspended && m.Kind is not (MessageKind.Resume or MessageKind.Terminate)))
            {
                deferred.Add(m); // waits in the inbox: events before start, anything but resume while suspended
                continue;
            }

            consumedInbox.Add(m);
            switch (m.Kind)
            {
                case MessageKind.Event when rt.SeenMessageIds.Add(m.MessageId):
                    events.Add(new HistoryRecord { Kind = EventKind.EventRaised, Timestamp = at, Name = m.Name, Data = m.Data, MessageId = m.MessageId });
                    break;
                case MessageKind.Terminate:
                    events.Add(new HistoryRecord { Kind = EventKind.ExecutionTerminated, Timestamp = at, Data = m.Data });
                    terminal = true;
                    break;
                case MessageKind.Suspend when status == OrchestrationRuntimeStatus.Running:
                    events.Add(new HistoryRecord { Kind = EventKind.ExecutionSuspended, Timestamp = at, Data = m.Data });
                    status = OrchestrationRuntimeStatus.Suspended;
                    break;
                case MessageKind.Resume when status == OrchestrationRuntimeStatus.Suspended:
                    events.Add(new HistoryRecord { Kind = EventKind.ExecutionResumed, Timestamp = at, Data = m.Data });
                    status = OrchestrationRuntimeStatus.Running;
                    break;
                case MessageKind.SubOrchestrationCompleted when m.TaskId is { } t && open.Remove(t):
                    events.Add(new HistoryRecord
                    {
                        Kind = m.Failure is null ? EventKind.SubOrchestrationCompleted : EventKind.SubOrchestrationFailed,
                        Timestamp = at, TaskId = t, Data = m.Data, Failure = m.Failure, MessageId = m.MessageId,
                    });
                    break;
                case MessageKind.RetryDeadLetter when m.TaskId is { } retry && open.Contains(retry):
                    var scheduled = rt.History.First(e => e.Kind == EventKind.TaskScheduled && e.TaskId == retry);
                    _engine.Activities.Dispatch(rt.InstanceId, state.ExecutionId, retry, scheduled.Name!, scheduled.Data);
                    break;
            }
        }

        IEnumerable<WorkMessage> Deferred()
        {
            // Runs after the first pass: only messages deferred then, and only if they could now be delivered.
            if (started && status != OrchestrationRuntimeStatus.Suspended && deferred.Count > 0)
            {
                foreach (var m in deferred.ToList())
                {
                    deferred.Remove(m);
                    yield return m;
                }
            }
        }

        foreach (var m in local)
        {
            if (terminal || m.ExecutionId != state.ExecutionId)
            {
                consumedLocal.Add(m);
            }
            else if (status != OrchestrationRuntimeStatus.Suspended && started)
            {
                consumedLocal.Add(m);
                if (m.TaskId is { } t && open.Remove(t))
                {
                    events.Add(m.Kind switch
                    {
                        MessageKind.TaskCompleted => new HistoryRecord { Kind = EventKind.TaskCompleted, Timestamp = at, TaskId = t, Data = m.Data },
                        MessageKind.TaskFailed => new HistoryRecord { Kind = EventKind.TaskFailed, Timestamp = at, TaskId = t, Failure = m.Failure },
                        _ => new HistoryRecord { Kind = EventKind.TimerFired, Timestamp = at, TaskId = t, FireAt = m.FireAt },
                    });
                }
            }
        }

        return new EpisodePlan(events, consumedInbox, consumedLocal, more);
    }
}
