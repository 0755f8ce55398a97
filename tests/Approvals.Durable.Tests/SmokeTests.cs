namespace Approvals.Durable.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task Sequence_ThreeActivities_CompletesWithResults()
    {
        await using var host = await EngineHost.StartAsync(r => r.AddOrchestrator<HelloSequence>().AddActivity<SayHello>());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), "Shenzhen", cancellationToken: cts.Token);
        var done = await host.Client.WaitForInstanceCompletionAsync(id, true, cts.Token);
        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ErrorMessage);
        done.ReadOutputAs<List<string>>().Should().Equal("Hello Beijing", "Hello Shanghai", "Hello Shenzhen");
    }

    [Fact]
    public async Task FanOut_HundredActivities_AllResultsJoined()
    {
        await using var host = await EngineHost.StartAsync(r => r.AddOrchestrator<FanOut>().AddActivity<SayHello>());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(FanOut), 100, cancellationToken: cts.Token);
        var done = await host.Client.WaitForInstanceCompletionAsync(id, true, cts.Token);
        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ErrorMessage);
        done.ReadOutputAs<int>().Should().Be(100);
    }
}
