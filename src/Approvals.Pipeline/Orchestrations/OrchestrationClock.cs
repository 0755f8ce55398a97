using Microsoft.DurableTask;

namespace Approvals.Pipeline.Orchestrations;

/// <summary>
/// The licensing clock inside an orchestration: what "now" is for working-day counting, and timers that fire at
/// licensing-clock instants (deemed acceptance, 预警/黄牌/红牌).
/// Which clock: DTFx's durable timers follow the system clock and cannot be injected, so the licensing clock is
/// the orchestration's replay-safe time plus a shift. In service the shift is zero. Tests run the app on a fake
/// clock: the case starts with the shift its submission saw (<see cref="CaseInput.ClockShift"/>), and when a test
/// moves its clock on it raises <see cref="EventNames.ClockShifted"/> to the running instances. The new shift is
/// taken from the event (recorded in history, so replay sees the same "now"), and pending timers re-arm at the
/// earlier real instant. Days of legal time therefore pass in a test without waiting, on the real provider.
/// </summary>
internal sealed class OrchestrationClock
{
    private readonly TaskOrchestrationContext _context;
    private TaskCompletionSource _shifted = new();

    public OrchestrationClock(TaskOrchestrationContext context, TimeSpan initialShift)
    {
        _context = context;
        Shift = initialShift;
        _ = ListenAsync();
    }

    /// <summary>
    /// The shift a new case starts with: how far <paramref name="licensing"/> (the app's <see cref="TimeProvider"/>) runs
    /// ahead of the system clock that DTFx's timers follow. Zero in service, where both are the system clock.
    /// </summary>
    public static TimeSpan ShiftOf(TimeProvider licensing)
    {
        ArgumentNullException.ThrowIfNull(licensing);
        return licensing == TimeProvider.System ? TimeSpan.Zero : licensing.GetUtcNow() - TimeProvider.System.GetUtcNow();
    }

    /// <summary>How far the licensing clock runs ahead of the orchestration's (system) clock.</summary>
    public TimeSpan Shift { get; private set; }

    /// <summary>The licensing clock's now: deterministic on replay.</summary>
    public DateTimeOffset Now => new DateTimeOffset(_context.CurrentUtcDateTime, TimeSpan.Zero) + Shift;

    /// <summary>Completes once the licensing clock reaches <paramref name="at"/>; cancelled with the token.</summary>
    public async Task UntilAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        while (Now < at)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var timer = _context.CreateTimer((at - Shift).UtcDateTime, cts.Token);
            var shifted = _shifted.Task;
            var winner = await Task.WhenAny(timer, shifted);
#pragma warning disable CA1849 // Cancel synchronously: the timer's continuation must run on the orchestration thread, now.
            cts.Cancel();
#pragma warning restore CA1849
            cancellationToken.ThrowIfCancellationRequested();
            if (winner == timer)
            {
                return; // the real instant came: by construction the licensing clock is at 'at'
            }
        }
    }

    private async Task ListenAsync()
    {
        // The only waiter on this event name: every shift reaches it, and a shift only ever moves the clock forward.
        while (true)
        {
            var e = await _context.WaitForExternalEvent<ClockShiftedEvent>(EventNames.ClockShifted);
            if (e.Shift > Shift)
            {
                Shift = e.Shift;
                var done = _shifted;
                _shifted = new TaskCompletionSource();
                done.TrySetResult(); // continuations run inline, on the orchestration thread
            }
        }
    }
}
