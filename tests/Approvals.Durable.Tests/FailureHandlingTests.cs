namespace Approvals.Durable.Tests;

/// <summary>Non-determinism after a deploy, and poison work that must be dead-lettered, then replayed.</summary>
public sealed class FailureHandlingTests
{
    [Fact]
    public async Task Replay_CodeChangedUnderRunningInstance_FailsNamingBothActions()
    {
        var hub = EngineHost.NewHubName();
        var ct = Wait.Timeout();
        string id;
        await using (var v1 = await EngineHost.StartAsync(r => r.AddOrchestrator<VersionOne>("Versioned").AddActivity<Echo>(), hubName: hub))
        {
            id = await v1.Client.ScheduleNewOrchestrationInstanceAsync("Versioned", "x", cancellationToken: ct);
            await Wait.UntilAsync(async () => (await v1.Client.GetOrchestrationHistoryAsync(id, ct)).Any(e => e.EventType == "TaskCompleted"), TimeSpan.FromSeconds(30), "first step done");
        }

        // "Deploy" a version that calls a different activity first; the instance is replayed on the next event.
        await using var v2 = await EngineHost.StartAsync(r => r.AddOrchestrator<VersionTwo>("Versioned").AddActivity<FlakyActivity>().AddActivity<Echo>(), hubName: hub);
        await v2.Client.RaiseEventAsync(id, "continue", "go", ct);
        var done = await v2.Client.WaitForInstanceCompletionAsync(id, true, ct);
        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Failed);
        done.FailureDetails!.ErrorType.Should().Be("NonDeterministicOrchestrationException");
        done.FailureDetails.ErrorMessage.Should().Contain("CallActivity('FlakyActivity')").And.Contain("CallActivity('Echo')").And.Contain("#0");
    }

    [Fact]
    public async Task Activity_NotRegistered_DeadLetteredThenReplayedByHostThatHasIt()
    {
        var hub = EngineHost.NewHubName();
        var ct = Wait.Timeout();
        string id;
        await using (var without = await EngineHost.StartAsync(r => r.AddOrchestrator<CallsMissingActivity>(), o => o.MaxDeliveryAttempts = 3, hubName: hub))
        {
            id = await without.Client.ScheduleNewOrchestrationInstanceAsync(nameof(CallsMissingActivity), "payload", cancellationToken: ct);
            await Wait.UntilAsync(async () => (await without.Client.GetDeadLettersAsync(ct)).Any(d => d.InstanceId == id), TimeSpan.FromSeconds(30), "dead-lettered");
            var letter = (await without.Client.GetDeadLettersAsync(ct)).Single(d => d.InstanceId == id);
            letter.Kind.Should().Be("Activity");
            letter.Name.Should().Be("LateActivity");
            letter.Attempts.Should().Be(3);
            (await without.Client.GetInstanceAsync(id, cancellationToken: ct))!.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Running, "the orchestration keeps waiting, nothing is dropped");
        }

        await using var with = await EngineHost.StartAsync(r => r.AddOrchestrator<CallsMissingActivity>().AddActivity<LateActivity>(), hubName: hub);
        var dead = (await with.Client.GetDeadLettersAsync(ct)).Single(d => d.InstanceId == id);
        await with.Client.ReplayDeadLetterAsync(dead.Id, ct);
        var done = await with.Client.WaitForInstanceCompletionAsync(id, true, ct);
        done.ReadOutputAs<string>().Should().Be("late:payload");
        (await with.Client.GetDeadLettersAsync(ct)).Should().NotContain(d => d.InstanceId == id);
        var history = await with.Client.GetOrchestrationHistoryAsync(id, ct);
        history.Count(e => e.EventType == "TaskCompleted").Should().Be(1);
    }

    [Fact]
    public async Task Orchestrator_NotRegistered_DeadLetteredNotLooping()
    {
        var hub = EngineHost.NewHubName();
        var ct = Wait.Timeout();
        await using var host = await EngineHost.StartAsync(r => r.AddActivity<Echo>(), o => o.MaxDeliveryAttempts = 3, hubName: hub);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("NobodyKnowsMe", "x", cancellationToken: ct);
        await Wait.UntilAsync(async () => (await host.Client.GetDeadLettersAsync(ct)).Any(d => d.InstanceId == id && d.Kind == "Orchestration"), TimeSpan.FromSeconds(30), "dead-lettered");
        var letter = (await host.Client.GetDeadLettersAsync(ct)).Single(d => d.InstanceId == id);
        letter.LastError.Should().Contain("'NobodyKnowsMe' is not registered");

        // Still terminable although no host can run it.
        await host.Client.TerminateInstanceAsync(id, "cleanup", ct);
        await host.Client.ReplayDeadLetterAsync(letter.Id, ct);
        var done = await host.Client.WaitForInstanceCompletionAsync(id, false, ct);
        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Terminated);
    }
}
