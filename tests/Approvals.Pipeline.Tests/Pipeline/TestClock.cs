namespace Approvals.Pipeline.Tests.Pipeline;

/// <summary>
/// The app's clock in pipeline tests: real time plus an offset that <see cref="Advance"/> grows. It moves on with
/// real time (as the orchestrations' licensing clock does, which is the system clock plus a shift) and jumps when
/// a test skips working days, so handlers, activities and orchestrations always agree on "now". A frozen fake clock
/// would not: orchestration time keeps moving on the real provider.
/// </summary>
public sealed class TestClock : TimeProvider
{
    private long _offsetTicks;

    public TestClock(DateTimeOffset start) => _offsetTicks = (start - System.GetUtcNow()).Ticks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Jumps ahead; prefer <see cref="PipelineApp.AdvanceAsync"/>, which also tells the running orchestrations.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        Interlocked.Add(ref _offsetTicks, delta.Ticks);
    }
}
