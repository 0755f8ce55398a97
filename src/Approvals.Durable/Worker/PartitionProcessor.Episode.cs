using System.Diagnostics;
using Approvals.Durable.Core;
using Approvals.Durable.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Durable.Worker;

/// <summary>One episode: gather messages, apply them to the orchestrator, commit atomically, then dispatch.</summary>
internal sealed partial class PartitionProcessor
{
    private const int MaxInboxPerEpisode = 90;

    // Inbox rows held episodes may leave for a later commit to delete: far under MaxInboxPerEpisode, so that commit fits.
    private const int MaxHeldInbox = 16;

    /// <returns>True when more work is known to be waiting (another episode should follow).</returns>
    private async Task<bool> RunEpisodeAsync(InstanceRuntime rt, bool inboxChanged, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        using var span = EngineMetrics.Tracing.StartActivity("orchestration episode");
        span?.SetTag("durable.instance_id", rt.InstanceId);
        span?.SetTag("durable.partition", Partition);
        InstanceState? created;
        lock (rt.Gate)
        {
            created = rt.Created;
            rt.Created = null;
        }

        if (created is not null && (!rt.Loaded || rt.State is null || rt.State.ExecutionId != created.ExecutionId))
        {
            inboxChanged |= AdoptCreated(rt, created);
        }
        else if (!rt.Loaded || rt.State is null)
        {
            await LoadAsync(rt, ct);
            inboxChanged = true;
        }

        List<WorkMessage> written;
        lock (rt.Gate)
        {
            written = [.. rt.Written];
            rt.Written.Clear();
        }

        if (inboxChanged)
        {
            rt.Inbox = await _engine.Store.GetInboxAsync(rt.InstanceId, ct);
        }

        // Union by row key: a row written meanwhile may or may not be in the query result.
        foreach (var m in written)
        {
            if (!rt.Inbox.Any(i => i.InboxRowKey == m.InboxRowKey))
            {
                rt.Inbox.Add(m);
            }
        }

        if (rt.HasPending)
        {
            // Rows a coalesced episode consumed are still stored until its commit: a query finds them again.
            rt.Inbox.RemoveAll(m => rt.PendingInbox.Contains(m.InboxRowKey!, StringComparer.Ordinal));
        }

        var state = rt.State;
        if (state is null)
        {
            rt.Loaded = false; // events raised before the instance exists wait in its inbox for the start
            return false;
        }

        if (rt.Parked)
        {
            if (!rt.Inbox.Any(m => m.Kind == MessageKind.RetryDeadLetter))
            {
                return false;
            }

            rt.Parked = false;
        }

        List<WorkMessage> local;
        lock (rt.Gate)
        {
            local = [.. rt.Local];
        }

        var now = _engine.Time.GetUtcNow();
        var plan = Plan(rt, state, local, now);
        if (state.IsTerminal)
        {
            // Messages for a finished instance are dropped (deleted), never turned into history.
            await _engine.Store.DeleteInboxRowsAsync(rt.InstanceId, plan.ConsumedInbox.Select(m => m.InboxRowKey!).ToList(), ct);
            rt.Inbox = rt.Inbox.Except(plan.ConsumedInbox).ToList();
            RemoveLocal(rt, plan.ConsumedLocal);
            return plan.MoreInbox;
        }

        var window = _engine.Options.CheckpointCoalescing;
        if (plan.Events.Count == 0 && plan.ConsumedInbox.Count == 0)
        {
            RemoveLocal(rt, plan.ConsumedLocal);
            if (rt.HasPending && (plan.ConsumedLocal.Any(m => m.Kind == MessageKind.Flush) || Stopwatch.GetElapsedTime(rt.PendingSince!.Value) >= window))
            {
                await FlushAsync(rt, state, now, ct);
            }

            return false;
        }

        if (rt.HasPending && rt.PendingInbox.Count + plan.ConsumedInbox.Count > MaxInboxPerEpisode)
        {
            // One transaction could not delete them all: the coalesced episodes commit on their own first.
            await FlushAsync(rt, state, now, ct);
            state = rt.State!;
        }

        var episodeEvents = new List<HistoryRecord>(plan.Events.Count + 8) { new() { Kind = EventKind.OrchestratorStarted, Timestamp = now.UtcDateTime } };
        episodeEvents.AddRange(plan.Events);
        var next = Clone(state);
        next.LastUpdatedAt = now;
        List<HistoryRecord> actions = [];
        ExecutorOutcome? outcome = null;
        foreach (var e in plan.Events)
        {
            switch (e.Kind)
            {
                case EventKind.ExecutionStarted:
                    next.Status = OrchestrationRuntimeStatus.Running;
                    break;
                case EventKind.ExecutionSuspended:
                    next.Status = OrchestrationRuntimeStatus.Suspended;
                    break;
                case EventKind.ExecutionResumed:
                    next.Status = OrchestrationRuntimeStatus.Running;
                    break;
            }
        }

        if (plan.Events.FirstOrDefault(e => e.Kind == EventKind.ExecutionTerminated) is { } terminated)
        {
            // Terminate needs no orchestrator code (it must work even for an orchestrator this host cannot run).
            outcome = new ExecutorOutcome(OrchestrationRuntimeStatus.Terminated, terminated.Data, null);
            rt.Executor = null;
        }
        else if (plan.Events.Any(e => e.Kind is not (EventKind.ExecutionSuspended or EventKind.ExecutionResumed)))
        {
            var executor = rt.Executor ?? CreateExecutor(rt, next);
            foreach (var e in episodeEvents)
            {
                executor.Apply(e);
            }

            actions = executor.TakeNewActions();
            outcome = executor.Outcome;
            next.CustomStatus = executor.CustomStatus;
            (next.Outstanding, next.NextTimerAt) = PendingWork(rt.History, episodeEvents, actions);
            rt.Executor = executor;
        }

        episodeEvents.AddRange(actions);
        var newInbox = new List<WorkMessage>();
        var deletedRows = new List<string>();
        if (outcome is not null)
        {
            ApplyOutcome(rt, next, outcome, now, episodeEvents, newInbox, deletedRows);
        }

        // A finished child whose parent lives in this partition hands over its completion in its own final commit:
        // nothing is left to send, so no outbox flag to set now and clear later.
        var toParent = next.IsTerminal && next.ParentInstanceId is { } parentId && _engine.Hub.PartitionOf(parentId) == Partition
            ? CompletionMessage(next)
            : null;
        next.OutboxPending = actions.Any(a => a.Kind is EventKind.SubOrchestrationCreated or EventKind.EventSent)
            || (next.IsTerminal && next.ParentInstanceId is not null && toParent is null);
        next.Episodes = outcome?.Status == OrchestrationRuntimeStatus.ContinuedAsNew ? 0 : state.Episodes + 1;

        if (CanCoalesce(rt, state, next, outcome, toParent, actions, newInbox, deletedRows, plan, window))
        {
            // Held, not committed (see InstanceRuntime): applied in memory, its work started; the next commit stores it.
            rt.PendingEvents.AddRange(episodeEvents);
            rt.PendingInbox.AddRange(plan.ConsumedInbox.Select(m => m.InboxRowKey!));
            if (rt.PendingSince is null)
            {
                rt.PendingSince = Stopwatch.GetTimestamp();
                ArmFlush(rt.InstanceId, state.ExecutionId, window);
            }

            rt.HasPending = true;
            Applied(rt, plan, episodeEvents);
            EngineMetrics.EpisodesCoalesced.Add(1);
            await AfterCommitAsync(rt, state, actions, null, ct);
            return plan.MoreInbox;
        }

        var commit = new EpisodeCommit(next, outcome?.Status == OrchestrationRuntimeStatus.ContinuedAsNew ? [] : [.. rt.PendingEvents, .. episodeEvents],
            rt.PendingInbox.Concat(plan.ConsumedInbox.Select(m => m.InboxRowKey!)).Distinct(StringComparer.Ordinal).ToList(), deletedRows, NewInbox: newInbox,
            Deliveries: toParent is null ? null : [(next.ParentInstanceId!, toParent)]);
        try
        {
            next.ETag = await _engine.Store.CommitAsync(commit, ct);
        }
        catch
        {
            rt.Unload(); // the executor already ran ahead of storage
            throw;
        }

        EngineMetrics.Episodes.Add(1);
        EngineMetrics.EpisodeDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);

        // Committed: our view now equals storage (the coalesced episodes went with this one).
        rt.ClearPending();
        rt.State = next;
        if (outcome?.Status == OrchestrationRuntimeStatus.ContinuedAsNew)
        {
            RemoveLocal(rt, plan.ConsumedLocal);
            rt.Inbox = rt.Inbox.Except(plan.ConsumedInbox).ToList();
            rt.History = [];
            rt.Executor = null;
            rt.SeenMessageIds.Clear();
        }
        else
        {
            Applied(rt, plan, episodeEvents);
        }

        await AfterCommitAsync(rt, next, actions, toParent, ct);
        return outcome?.Status == OrchestrationRuntimeStatus.ContinuedAsNew || plan.MoreInbox;
    }

    /// <summary>The in-memory view after an episode (committed or held): its messages consumed, its events in history.</summary>
    private static void Applied(InstanceRuntime rt, EpisodePlan plan, List<HistoryRecord> episodeEvents)
    {
        RemoveLocal(rt, plan.ConsumedLocal);
        rt.Inbox = rt.Inbox.Except(plan.ConsumedInbox).ToList();
        rt.History.AddRange(episodeEvents);
        foreach (var id in episodeEvents.Select(e => e.MessageId).OfType<string>())
        {
            rt.SeenMessageIds.Add(id);
        }
    }

    /// <summary>
    /// Whether this episode may be held for the next commit: coalescing is on and the window since the oldest held
    /// episode is not over; it completes nothing, changes neither status nor custom status, sends nothing to another
    /// instance (no sub-orchestration, no event, no message to a parent) and schedules only activities and timers,
    /// which this host starts at once and storage still shows as the outstanding work before them. Few inbox rows:
    /// the commit that stores held episodes deletes their rows too.
    /// </summary>
    private static bool CanCoalesce(
        InstanceRuntime rt, InstanceState state, InstanceState next, ExecutorOutcome? outcome, WorkMessage? toParent, List<HistoryRecord> actions,
        List<WorkMessage> newInbox, List<string> deletedRows, EpisodePlan plan, TimeSpan window) =>
        window > TimeSpan.Zero
        && (rt.PendingSince is not { } since || Stopwatch.GetElapsedTime(since) < window)
        && outcome is null && toParent is null && newInbox.Count == 0 && deletedRows.Count == 0
        && next.Status == state.Status && string.Equals(next.CustomStatus, state.CustomStatus, StringComparison.Ordinal)
        && actions.All(a => a.Kind is EventKind.TaskScheduled or EventKind.TimerCreated)
        && !plan.MoreInbox && rt.PendingInbox.Count + plan.ConsumedInbox.Count <= MaxHeldInbox;

    /// <summary>
    /// Delivers a <see cref="MessageKind.Flush"/> when the window is over, on the wall clock: held episodes must reach
    /// storage in real time even when the injected TimeProvider is a test's fake clock that only moves when told.
    /// </summary>
    private void ArmFlush(string instanceId, string executionId, TimeSpan window) =>
        _ = Task.Delay(window, Stopping).ContinueWith(
            t =>
            {
                if (!t.IsCanceled)
                {
                    _engine.DeliverLocal(instanceId, new WorkMessage { Kind = MessageKind.Flush, ExecutionId = executionId });
                }
            },
            TaskScheduler.Default);

    /// <summary>Commits the held (coalesced) episodes on their own: the window is over and nothing else came to carry them.</summary>
    private async Task FlushAsync(InstanceRuntime rt, InstanceState state, DateTimeOffset now, CancellationToken ct)
    {
        var next = Clone(state);
        next.LastUpdatedAt = now;
        (next.Outstanding, next.NextTimerAt) = PendingWork(rt.History, [], []);
        next.Episodes = state.Episodes + 1;
        try
        {
            next.ETag = await _engine.Store.CommitAsync(new EpisodeCommit(next, [.. rt.PendingEvents], [.. rt.PendingInbox.Distinct(StringComparer.Ordinal)], []), ct);
        }
        catch
        {
            rt.Unload();
            throw;
        }

        EngineMetrics.Episodes.Add(1);
        rt.ClearPending();
        rt.State = next;
    }

    private OrchestrationExecutor CreateExecutor(InstanceRuntime rt, InstanceState state)
    {
        if (!_engine.Registry.Orchestrators.TryGetValue(state.Name, out var type))
        {
            // Engine-level failure: retried with backoff, then dead-lettered (a later deploy can replay it).
            throw new InvalidOperationException($"Orchestrator '{state.Name}' is not registered on this host.");
        }

        var orchestrator = (ITaskOrchestrator)ActivatorUtilities.GetServiceOrCreateInstance(_engine.Services, type);
        var executor = new OrchestrationExecutor(state.Name, state.InstanceId, state.ExecutionId, orchestrator, _engine.LoggerFactory);
        executor.Replay(rt.History);
        return executor;
    }

    private static void ApplyOutcome(InstanceRuntime rt, InstanceState next, ExecutorOutcome outcome, DateTimeOffset now, List<HistoryRecord> events, List<WorkMessage> newInbox, List<string> deletedRows)
    {
        if (outcome.Status == OrchestrationRuntimeStatus.ContinuedAsNew)
        {
            // The new execution starts from a start message in the same transaction: a crash right after the commit
            // still finds it. Old history rows go in the same batch when they fit, else are cleaned up later.
            var oldExecution = next.ExecutionId;
            next.ExecutionId = Guid.NewGuid().ToString("N");
            next.Status = OrchestrationRuntimeStatus.Running;
            next.Input = outcome.ContinueAsNewInput;
            next.InputBlob = null;
            next.Output = null;
            next.Outstanding = 0;
            next.NextTimerAt = null;
            var at = now.UtcDateTime;
            newInbox.Add(new WorkMessage { Kind = MessageKind.Start, MessageId = MessageIds.Deterministic(at, rt.InstanceId, next.ExecutionId, "start"), Name = next.Name, Data = next.Input });
            var i = 0;
            foreach (var (name, data) in outcome.CarryOverEvents ?? [])
            {
                newInbox.Add(new WorkMessage { Kind = MessageKind.Event, MessageId = MessageIds.Deterministic(at, rt.InstanceId, next.ExecutionId, $"carry{i++:D4}"), Name = name, Data = data });
            }

            for (var ep = 0; ep < rt.State!.Episodes && deletedRows.Count < 60; ep++)
            {
                deletedRows.Add(Keys.History(rt.InstanceId, oldExecution, ep));
            }

            return;
        }

        next.Status = outcome.Status;
        next.Output = outcome.Output;
        next.Failure = outcome.Failure;
        next.Outstanding = 0;
        next.NextTimerAt = null;
        events.Add(new HistoryRecord { Kind = EventKind.ExecutionCompleted, Timestamp = now.UtcDateTime, Status = outcome.Status, Data = outcome.Output, Failure = outcome.Failure });
    }

    /// <summary>Activities and sub-orchestrations awaited, and the earliest unfired timer: the recovery hints of the status row.</summary>
    private static (int Outstanding, DateTimeOffset? NextTimer) PendingWork(IEnumerable<HistoryRecord> history, IEnumerable<HistoryRecord> episode, IEnumerable<HistoryRecord> actions)
    {
        var open = HistoryAnalysis.Open(history.Concat(episode).Concat(actions));
        var next = open.Where(e => e.Kind == EventKind.TimerCreated).Select(e => (DateTimeOffset?)new DateTimeOffset(e.FireAt!.Value, TimeSpan.Zero)).Min();
        return (open.Count(e => e.Kind is EventKind.TaskScheduled or EventKind.SubOrchestrationCreated), next);
    }

    private static void RemoveLocal(InstanceRuntime rt, List<WorkMessage> consumed)
    {
        if (consumed.Count == 0)
        {
            return;
        }

        lock (rt.Gate)
        {
            foreach (var m in consumed)
            {
                rt.Local.Remove(m);
            }
        }
    }

    private static InstanceState Clone(InstanceState s) => new()
    {
        InstanceId = s.InstanceId,
        Name = s.Name,
        Status = s.Status,
        ExecutionId = s.ExecutionId,
        Input = s.Input,
        Output = s.Output,
        CustomStatus = s.CustomStatus,
        Failure = s.Failure,
        CreatedAt = s.CreatedAt,
        LastUpdatedAt = s.LastUpdatedAt,
        ParentInstanceId = s.ParentInstanceId,
        ParentExecutionId = s.ParentExecutionId,
        ParentTaskId = s.ParentTaskId,
        OutboxPending = s.OutboxPending,
        Episodes = s.Episodes,
        Outstanding = s.Outstanding,
        NextTimerAt = s.NextTimerAt,
        StartAt = s.StartAt,
        ETag = s.ETag,
        InputBlob = s.InputBlob,
    };
}
