using System.Collections.Concurrent;
using Approvals.Durable;

namespace Approvals.Bench.Engine;

/// <summary>
/// Bench-only hook: an orchestrator reports here, outside replay, when it is about to return. It only tells the
/// harness when to start polling; the figures still end at the Completed status the observer reads from storage,
/// so no run is timed shorter than its final commit.
/// </summary>
internal sealed class CompletionProbe
{
    private ConcurrentDictionary<string, byte> _returned = new(StringComparer.Ordinal);
    private TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _expected = int.MaxValue;

    public int Returned => _returned.Count;

    public Task AllReturned => _all.Task;

    /// <summary>Starts a new round expecting <paramref name="count"/> distinct instances to return.</summary>
    public void Expect(int count)
    {
        _returned = new(StringComparer.Ordinal);
        _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        _expected = count;
    }

    public void Returning(TaskOrchestrationContext context)
    {
        if (!context.IsReplaying && _returned.TryAdd(context.InstanceId, 0) && _returned.Count >= _expected)
        {
            _all.TrySetResult();
        }
    }
}
