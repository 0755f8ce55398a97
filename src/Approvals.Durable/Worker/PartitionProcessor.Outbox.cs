using Approvals.Durable.Core;
using Approvals.Durable.Storage;

namespace Approvals.Durable.Worker;

/// <summary>Loading an instance (with crash recovery) and the work that follows a commit.</summary>
internal sealed partial class PartitionProcessor
{
    /// <summary>
    /// Loads status and current history, then re-derives everything a crash may have lost: activities scheduled
    /// but not completed are dispatched again, unfired timers re-armed, children re-created (idempotently), and
    /// unconfirmed outgoing messages re-sent (receivers drop duplicates by message id).
    /// </summary>
    private async Task LoadAsync(InstanceRuntime rt, CancellationToken ct)
    {
        rt.Unload();
        var state = await _engine.Store.GetStatusAsync(rt.InstanceId, withPayloads: true, ct);
        rt.State = state;
        rt.Loaded = true;
        if (state is null || (state.IsTerminal && !state.OutboxPending))
        {
            return;
        }

        rt.History = await _engine.Store.GetHistoryAsync(rt.InstanceId, state.ExecutionId, ct);
        foreach (var id in rt.History.Select(e => e.MessageId).OfType<string>())
        {
            rt.SeenMessageIds.Add(id);
        }

        if (!state.IsTerminal)
        {
            foreach (var open in HistoryAnalysis.Open(rt.History))
            {
                await StartWorkAsync(rt, state, open, ct);
            }
        }

        if (state.OutboxPending)
        {
            foreach (var sent in rt.History.Where(e => e.Kind == EventKind.EventSent))
            {
                await SendEventAsync(state, sent, ct);
            }

            if (state.IsTerminal)
            {
                await NotifyParentAsync(state, ct);
                state.ETag = await _engine.Store.ClearOutboxAsync(state, ct);
            }
        }
    }

    /// <summary>
    /// Takes an instance this process has just created as loaded: its state is what was written (ETag included) and a
    /// new execution has no history, so neither needs reading. The inbox needs no query either when nothing but
    /// this process's own start row can be in it: the only other rows are events sent before the instance existed,
    /// and every such row has woken this owner (in memory or by control queue), whose episode read them into
    /// <see cref="InstanceRuntime.Inbox"/> (kept here) — or its wake-up is still to come and will query. A lost
    /// wake-up is caught by the inbox sweep, as for any message. Returns true when the inbox must be read anyway.
    /// </summary>
    private static bool AdoptCreated(InstanceRuntime rt, InstanceState created)
    {
        var replacesExecution = rt.State is not null;
        var pending = rt.Inbox;
        rt.Unload();
        if (!replacesExecution)
        {
            rt.Inbox = pending; // rows read while the instance did not exist yet: still in storage, still unconsumed
        }

        rt.State = created;
        rt.Loaded = true;
        // A re-created (previously finished) instance: its old execution's leftovers are not ours to guess at.
        return replacesExecution;
    }

    /// <param name="rt">The instance.</param>
    /// <param name="state">Its state as just committed.</param>
    /// <param name="actions">The episode's new actions.</param>
    /// <param name="deliveredToParent">The completion committed into the parent's inbox with the episode (same partition), if any.</param>
    /// <param name="ct">Cancellation.</param>
    private async Task AfterCommitAsync(InstanceRuntime rt, InstanceState state, List<HistoryRecord> actions, WorkMessage? deliveredToParent, CancellationToken ct)
    {
        foreach (var action in actions)
        {
            if (action.Kind == EventKind.EventSent)
            {
                await SendEventAsync(state, action, ct);
            }
            else
            {
                await StartWorkAsync(rt, state, action, ct);
            }
        }

        if (deliveredToParent is not null)
        {
            await _engine.SignalAsync(state.ParentInstanceId!, ct, deliveredToParent);
        }
        else if (state.IsTerminal && state.ParentInstanceId is not null)
        {
            await NotifyParentAsync(state, ct);
            // Finished: nothing here writes the status row again, so the clear needs no new ETag and is not awaited.
            _engine.Store.ClearOutboxLater(state);
        }
    }

    private async Task StartWorkAsync(InstanceRuntime rt, InstanceState state, HistoryRecord action, CancellationToken ct)
    {
        switch (action.Kind)
        {
            case EventKind.TaskScheduled:
                _engine.Activities.Dispatch(rt.InstanceId, state.ExecutionId, action.TaskId!.Value, action.Name!, action.Data);
                break;
            case EventKind.TimerCreated:
                _engine.Timers.ArmTimer(rt.InstanceId, state.ExecutionId, action.TaskId!.Value, action.FireAt!.Value);
                break;
            case EventKind.SubOrchestrationCreated:
                await EnsureChildAsync(state, action, ct);
                break;
        }
    }

    private async Task EnsureChildAsync(InstanceState parent, HistoryRecord action, CancellationToken ct)
    {
        var childId = action.InstanceId!;
        var now = _engine.Time.GetUtcNow();
        var child = new InstanceState
        {
            InstanceId = childId,
            Name = action.Name!,
            Status = OrchestrationRuntimeStatus.Pending,
            ExecutionId = Guid.NewGuid().ToString("N"),
            Input = action.Data,
            CreatedAt = now,
            LastUpdatedAt = now,
            ParentInstanceId = parent.InstanceId,
            ParentExecutionId = parent.ExecutionId,
            ParentTaskId = action.TaskId,
        };
        var start = new WorkMessage
        {
            Kind = MessageKind.Start,
            MessageId = MessageIds.Deterministic(action.Timestamp, parent.InstanceId, parent.ExecutionId, $"sub{action.TaskId}"),
            Name = action.Name,
            Data = action.Data,
        };
        if (await _engine.Store.TryCreateAsync(child, start, null, ct))
        {
            await _engine.SignalCreatedAsync(child, start, ct);
            return;
        }

        var existing = await _engine.Store.GetStatusAsync(childId, false, ct);
        if (existing is not null && (existing.ParentInstanceId != parent.InstanceId || existing.ParentTaskId != action.TaskId))
        {
            // The id is taken by an unrelated instance: fail the call instead of waiting forever.
            await _engine.Store.SendAsync(parent.InstanceId, new WorkMessage
            {
                Kind = MessageKind.SubOrchestrationCompleted,
                MessageId = MessageIds.Deterministic(action.Timestamp, childId, parent.ExecutionId, $"taken{action.TaskId}"),
                TaskId = action.TaskId,
                ExecutionId = parent.ExecutionId,
                Failure = new TaskFailureDetails("InvalidOperationException", $"An instance with id '{childId}' already exists."),
            }, ct);
            await _engine.SignalAsync(parent.InstanceId, ct);
        }
    }

    private async Task SendEventAsync(InstanceState sender, HistoryRecord sent, CancellationToken ct)
    {
        var target = sent.InstanceId!;
        var message = new WorkMessage
        {
            Kind = MessageKind.Event,
            MessageId = MessageIds.Deterministic(sent.Timestamp, sender.InstanceId, sender.ExecutionId, $"ev{sent.TaskId}"),
            Name = sent.Name,
            Data = sent.Data,
        };
        await _engine.Store.SendAsync(target, message, ct);
        await _engine.SignalAsync(target, ct, message);
    }

    private async Task NotifyParentAsync(InstanceState child, CancellationToken ct)
    {
        if (child.ParentInstanceId is not { } parent)
        {
            return;
        }

        var message = CompletionMessage(child);
        await _engine.Store.SendAsync(parent, message, ct);
        await _engine.SignalAsync(parent, ct, message);
    }

    /// <summary>The message telling a parent that its sub-orchestration finished (its id is the same however often it is made).</summary>
    private static WorkMessage CompletionMessage(InstanceState child)
    {
        var failure = child.Status switch
        {
            OrchestrationRuntimeStatus.Completed => null,
            OrchestrationRuntimeStatus.Failed => child.Failure ?? new TaskFailureDetails("Unknown", "failed"),
            _ => new TaskFailureDetails("TerminatedException", $"Sub-orchestration '{child.InstanceId}' was {child.Status.ToString().ToLowerInvariant()}."),
        };
        return new WorkMessage
        {
            Kind = MessageKind.SubOrchestrationCompleted,
            MessageId = MessageIds.Deterministic(child.LastUpdatedAt.UtcDateTime, child.InstanceId, child.ExecutionId, "done"),
            TaskId = child.ParentTaskId,
            ExecutionId = child.ParentExecutionId,
            Data = failure is null ? child.Output : null,
            Failure = failure,
        };
    }
}
