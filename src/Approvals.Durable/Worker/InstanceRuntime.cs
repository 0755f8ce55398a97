using Approvals.Durable.Core;
using Approvals.Durable.Storage;

namespace Approvals.Durable.Worker;

/// <summary>
/// The owner's in-memory view of one instance. Invariant: <see cref="State"/>, <see cref="History"/> and
/// <see cref="Executor"/> always equal what is committed in storage (plus nothing); messages not yet committed live
/// only in <see cref="Local"/> and <see cref="Inbox"/>, and are consumed by the next successful commit. Any doubt
/// (a failed or conflicting commit) drops the whole view and reloads it from storage.
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

    public void Unload()
    {
        Loaded = false;
        State = null;
        History = [];
        Executor = null;
        Inbox = [];
        SeenMessageIds.Clear();
        // InboxChanged is left alone: an unloaded instance always reads its inbox when it loads again, and setting
        // the flag here (outside Gate) made the episode after every load query the inbox a second time.
    }
}
