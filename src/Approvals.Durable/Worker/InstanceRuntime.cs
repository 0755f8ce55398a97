using Approvals.Durable.Core;
using Approvals.Durable.Storage;

namespace Approvals.Durable.Worker;

/// <summary>
/// The owner's in-memory view of one instance. Invariant: <see cref="State"/> always equals what is committed in
/// storage; <see cref="History"/> and <see cref="Executor"/> equal it plus <see cref="PendingEvents"/> — coalesced
/// episodes (<c>DurableTaskOptions.CheckpointCoalescing</c>) that only recorded results of work this host ran or
/// messages still in the inbox (<see cref="PendingInbox"/>, deleted by the commit that stores them), and that changed
/// nothing another instance or a client can see. The next commit stores them with its own episode, at the latest
/// when the flush armed at <see cref="PendingSince"/> + the window comes. Losing them (crash, conflict, eviction)
/// loses nothing: storage still shows the work they recorded as outstanding, so it runs again and the orchestrator
/// replays to the same point. Messages not yet applied live only in <see cref="Local"/> and <see cref="Inbox"/>.
/// Any doubt (a failed or conflicting commit) drops the whole view and reloads it from storage.
/// </summary>
internal sealed class InstanceRuntime(string instanceId)
{
    public string InstanceId { get; } = instanceId;

    public Lock Gate { get; } = new();

    // Guarded by Gate.
    public List<WorkMessage> Local { get; } = [];

    /// <summary>Inbox rows this process just wrote (already durable): used without re-reading the inbox.</summary>
    public List<WorkMessage> Written { get; } = [];

    /// <summary>
    /// An instance this process has just created (state as written, ETag included): the next episode adopts it
    /// instead of loading from storage. Guarded by Gate.
    /// </summary>
    public InstanceState? Created { get; set; }

    public bool Busy { get; set; }

    /// <summary>Removed from the cache; whoever still holds it must fetch the instance's new runtime.</summary>
    public bool Evicted { get; set; }

    public bool Signalled { get; set; }

    /// <summary>Rows may have been written that this view has not read (a load always reads them anyway).</summary>
    public bool InboxChanged { get; set; }

    // Only touched by the single running episode loop.
    public bool Loaded { get; set; }

    public InstanceState? State { get; set; }

    public List<HistoryRecord> History { get; set; } = [];

    public OrchestrationExecutor? Executor { get; set; }

    /// <summary>Inbox rows read but not consumed yet (e.g. while suspended or waiting for a delayed start).</summary>
    public List<WorkMessage> Inbox { get; set; } = [];

    public HashSet<string> SeenMessageIds { get; } = new(StringComparer.Ordinal);

    public int FailedAttempts { get; set; }

    /// <summary>Dead-lettered: processes nothing until a replay message arrives.</summary>
    public bool Parked { get; set; }

    public long LastUsed { get; set; }

    /// <summary>Events of coalesced episodes, applied (in <see cref="History"/>) but not committed yet.</summary>
    public List<HistoryRecord> PendingEvents { get; } = [];

    /// <summary>Inbox rows consumed by coalesced episodes, deleted by the commit that stores them.</summary>
    public List<string> PendingInbox { get; } = [];

    /// <summary>
    /// When the oldest coalesced episode ran (<see cref="System.Diagnostics.Stopwatch"/> ticks: the window is wall-clock
    /// time, whatever the injected TimeProvider does); null when nothing is pending.
    /// </summary>
    public long? PendingSince { get; set; }

    /// <summary>Coalesced episodes wait for a commit (read by eviction outside the episode loop).</summary>
    public volatile bool HasPending;

    public void ClearPending()
    {
        PendingEvents.Clear();
        PendingInbox.Clear();
        PendingSince = null;
        HasPending = false;
    }

    public void Unload()
    {
        Loaded = false;
        State = null;
        History = [];
        Executor = null;
        Inbox = [];
        SeenMessageIds.Clear();
        ClearPending();
        // InboxChanged is left alone: an unloaded instance always reads its inbox when it loads again, and setting
        // the flag here (outside Gate) made the episode after every load query the inbox a second time.
    }
}
