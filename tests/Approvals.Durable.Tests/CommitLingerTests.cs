using System.Diagnostics;

namespace Approvals.Durable.Tests;

/// <summary>
/// Group commit of the engine's own writes (<see cref="DurableTaskOptions.CommitLinger"/>): they may wait for others
/// to share a transaction, a client's writes never do.
/// </summary>
public sealed class CommitLingerTests
{
    [Fact]
    public async Task ClientWrites_UnderTheLongestLinger_NeverWaitForIt()
    {
        // Every episode commits (no coalescing) and lingers a whole second; the client's start and event must not.
        await using var host = await EngineHost.StartAsync(
            r => r.AddOrchestrator<ActivityThenWait>().AddActivity<Echo>(),
            o => (o.CommitLinger, o.CheckpointCoalescing) = (TimeSpan.FromSeconds(1), TimeSpan.Zero));
        var ct = Wait.Timeout();

        var started = Stopwatch.StartNew();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ActivityThenWait), "x", cancellationToken: ct);
        started.Elapsed.Should().BeLessThan(TimeSpan.FromMilliseconds(700), "a client's start is urgent");

        await Wait.UntilAsync(async () => (await host.Client.GetOrchestrationHistoryAsync(id, ct)).Any(e => e.EventType == "TaskCompleted"),
            TimeSpan.FromSeconds(10), "the activity's result committed (after lingering)");
        var raised = Stopwatch.StartNew();
        await host.Client.RaiseEventAsync(id, "go", "y", ct);
        raised.Elapsed.Should().BeLessThan(TimeSpan.FromMilliseconds(700), "a client's event is urgent");

        var done = await host.Client.WaitForInstanceCompletionAsync(id, true, ct);
        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ErrorMessage);
        done.ReadOutputAs<string>().Should().Be("x|y");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1001)]
    public void CommitLinger_OutsideZeroToOneSecond_IsRefusedAtStart(int ms)
    {
        var options = new DurableTaskOptions { CommitLinger = TimeSpan.FromMilliseconds(ms) };

        var refused = () => options.Validate();

        refused.Should().Throw<ArgumentException>().WithMessage("*CommitLinger*between 0 and 1 s*");
    }
}
