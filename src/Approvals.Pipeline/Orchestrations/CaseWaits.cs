using Approvals.Pipeline.Cases;
using Microsoft.DurableTask;

namespace Approvals.Pipeline.Orchestrations;

/// <summary>
/// What the case orchestration waits for from outside: one live waiter per event name, created when first asked for
/// and replaced only after its event was taken — never cancelled.
/// Why never cancelled: the SDK hands an event to the most recent waiter of its name, and a cancelled waiter stays in
/// its place until a newer one is created; an event arriving meanwhile (say a department's decision while the case
/// records another's) would complete the cancelled waiter and be lost. A waiter that is never cancelled keeps its
/// event until the loop takes it; an event that arrives while no waiter exists is buffered by the SDK for the next.
/// </summary>
internal sealed class CaseEvents(TaskOrchestrationContext context)
{
    private Task<DecisionEvent>? _decision;
    private Task<SupplementProvidedEvent>? _supplement;

    /// <summary>The applicant's withdrawal: one waiter for the whole case (the event is taken once).</summary>
    public Task<WithdrawEvent> Withdraw { get; } = context.WaitForExternalEvent<WithdrawEvent>(EventNames.Withdraw);

    /// <summary>The next decision of any department (or the service centre); take it with <see cref="TakeDecision"/>.</summary>
    public Task<DecisionEvent> Decision => _decision ??= context.WaitForExternalEvent<DecisionEvent>(EventNames.Decision);

    /// <summary>The next uploaded supplement of any request; take it with <see cref="TakeSupplement"/>.</summary>
    public Task<SupplementProvidedEvent> Supplement => _supplement ??= context.WaitForExternalEvent<SupplementProvidedEvent>(EventNames.SupplementProvided);

    /// <summary>The decision that arrived; the next call of <see cref="Decision"/> waits for the one after it.</summary>
    public DecisionEvent TakeDecision()
    {
        var decision = Decision.Result;
        _decision = null;
        return decision;
    }

    /// <summary>The upload that arrived; the next call of <see cref="Supplement"/> waits for the one after it.</summary>
    public SupplementProvidedEvent TakeSupplement()
    {
        var provided = Supplement.Result;
        _supplement = null;
        return provided;
    }
}

/// <summary>
/// The case's one durable timer. <see cref="ArmFor"/> is asked for the earliest instant any clock of the case needs
/// next; it keeps the pending timer when that fires no later (a wake-up with nothing due costs one loop turn, and the
/// loop looks at every clock on every turn), and arms a new one only when an earlier instant is needed.
/// Why: DTFx's Azure Storage provider keeps every durable timer as a delayed message in a control queue until its
/// instant, whether the orchestration still waits for it, was cancelled or has completed — and the queue service's
/// cost per request grows with the messages a queue holds. One timer per case, re-armed only to come sooner, keeps
/// that to about one message per open case.
/// </summary>
internal sealed class CaseTimer(OrchestrationClock clock) : IDisposable
{
    private Task? _pending;
    private DateTimeOffset _pendingAt;
    private CancellationTokenSource? _cancel;

    private DateTimeOffset _lastFiredAt = DateTimeOffset.MinValue;

    /// <summary>
    /// The instant up to which clocks are due: the licensing clock's now, and never before the instant of a timer that
    /// fired (a timer fires at its instant or later, so in practice the two agree).
    /// </summary>
    public DateTimeOffset DueNow
    {
        get
        {
            Settle();
            return clock.Now > _lastFiredAt ? clock.Now : _lastFiredAt;
        }
    }

    /// <summary>
    /// The timer to race: it completes at <paramref name="at"/> or earlier; null when no timer is pending and none is
    /// needed. With <paramref name="at"/> null a pending timer is kept (it can no longer be removed from the queue).
    /// </summary>
    public Task? ArmFor(DateTimeOffset? at)
    {
        Settle();
        if (_pending is not null && (at is null || _pendingAt <= at))
        {
            return _pending;
        }

        if (at is null)
        {
            return null;
        }

        if (_pending is not null)
        {
            // Needed sooner (a step resumed, the clock shifted): the later timer is dropped, its message stays until due.
            _cancel!.Cancel();
            _cancel.Dispose();
        }

        _cancel = new CancellationTokenSource();
        _pendingAt = at.Value;
        _pending = clock.UntilAsync(at.Value, _cancel.Token);
        return _pending;
    }

    /// <summary>
    /// The case ends: a pending timer is cancelled (its message stays until due). Needed: an orchestrator that returned
    /// while its durable timer was still awaited stayed <c>Running</c> on this runtime (seen by <c>CaseShapeTests</c>).
    /// </summary>
    public void Dispose()
    {
        _cancel?.Cancel();
        _cancel?.Dispose();
    }

    /// <summary>A pending timer that has fired is done with: remember its instant.</summary>
    private void Settle()
    {
        if (_pending is { IsCompleted: true })
        {
            if (_pending.IsCompletedSuccessfully)
            {
                _lastFiredAt = _pendingAt;
            }

            _pending = null;
            _cancel?.Dispose();
            _cancel = null;
        }
    }
}
