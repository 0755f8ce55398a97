namespace Approvals.Durable.Core;

/// <summary>
/// Runs an orchestrator's continuations one at a time on the thread that applies events, so orchestrator code is
/// single-threaded and its interleaving depends only on the order events are applied (the replay invariant).
/// </summary>
internal sealed class OrchestrationSynchronizationContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _work = new();

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_work)
        {
            _work.Enqueue((d, state));
        }
    }

    public override void Send(SendOrPostCallback d, object? state)
        => throw new NotSupportedException("Orchestrations cannot block on their own context.");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs <paramref name="action"/> and every continuation it causes until nothing is left.</summary>
    public void Run(Action action)
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            action();
            while (true)
            {
                (SendOrPostCallback Callback, object? State) item;
                lock (_work)
                {
                    if (!_work.TryDequeue(out item))
                    {
                        break;
                    }
                }

                item.Callback(item.State);
            }
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }
}
