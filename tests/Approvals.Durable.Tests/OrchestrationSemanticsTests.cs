using Approvals.Durable.Storage;
namespace Approvals.Durable.Tests;

/// <summary>Replay, failures, retries, sub-orchestrations and ContinueAsNew on one in-process host.</summary>
public sealed class OrchestrationSemanticsTests : IAsyncLifetime
{
    private EngineHost _host = null!;

    public async Task InitializeAsync() => _host = await EngineHost.StartAsync(r => r
        .AddOrchestrator<FanOut>().AddOrchestrator<RetryOrchestration>().AddOrchestrator<FailingChild>()
        .AddOrchestrator<ParentOfFailingChild>().AddOrchestrator<ChildEcho>().AddOrchestrator<ParentOfChildren>().AddOrchestrator<ParentOfColocatedChildren>()
        .AddOrchestrator<Counter>().AddOrchestrator<GuidOrchestration>()
        .AddActivity<SayHello>().AddActivity<FlakyActivity>().AddActivity<AlwaysFails>().AddActivity<Echo>());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private const int EnginePartitions = 4; // EngineHost's

    private DurableTaskClient Client => _host.Client;

    [Fact]
    public async Task FanOut_ThousandActivities_CompletesWithEveryStepOnce()
    {
        var ct = Wait.Timeout(120);
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(FanOut), 1000, cancellationToken: ct);
        var done = await Client.WaitForInstanceCompletionAsync(id, true, ct);
        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ErrorMessage);
        done.ReadOutputAs<int>().Should().Be(1000);
        var history = await Client.GetOrchestrationHistoryAsync(id, ct);
        history.Count(e => e.EventType == "TaskScheduled").Should().Be(1000);
        history.Where(e => e.EventType == "TaskCompleted").Select(e => e.TaskId).Should().OnlyHaveUniqueItems().And.HaveCount(1000);
    }

    [Fact]
    public async Task CallActivity_WithRetryPolicy_SucceedsOnThirdAttemptAfterDurableWaits()
    {
        var key = Guid.NewGuid().ToString();
        var ct = Wait.Timeout();
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(RetryOrchestration), key, cancellationToken: ct);
        var done = await Client.WaitForInstanceCompletionAsync(id, true, ct);
        done.ReadOutputAs<string>().Should().Be("ok after 3");
        var history = await Client.GetOrchestrationHistoryAsync(id, ct);
        history.Count(e => e.EventType == "TaskFailed").Should().Be(2);
        history.Count(e => e.EventType == "TimerCreated").Should().Be(2, "each retry wait is a durable timer");
    }

    [Fact]
    public async Task SubOrchestration_ChildFails_ParentSeesFailureDetails()
    {
        var ct = Wait.Timeout();
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParentOfFailingChild), "x1", cancellationToken: ct);
        var done = await Client.WaitForInstanceCompletionAsync(id, true, ct);
        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed);
        done.ReadOutputAs<string>().Should().StartWith("FailingChild|").And.Contain("bad input x1");
        var child = await Client.GetInstanceAsync($"{id}:0000", cancellationToken: ct);
        child!.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Failed);
        child.FailureDetails!.ErrorMessage.Should().Contain("bad input x1");
    }

    [Fact]
    public async Task SubOrchestrations_FanOutTen_AllChildrenComplete()
    {
        var ct = Wait.Timeout();
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParentOfChildren), 10, cancellationToken: ct);
        var done = await Client.WaitForInstanceCompletionAsync(id, true, ct);
        done.ReadOutputAs<List<string>>().Should().Equal(Enumerable.Range(0, 10).Select(i => $"child:c{i}"));
    }

    [Fact]
    public async Task SubOrchestrations_NamedParentBangChild_LiveInParentPartitionAndHandOverInTheirFinalCommit()
    {
        var ct = Wait.Timeout();
        var id = $"colocated-{Guid.NewGuid():N}";
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParentOfColocatedChildren), 4, new StartOrchestrationOptions(id), ct);
        var done = await Client.WaitForInstanceCompletionAsync(id, true, ct);
        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ErrorMessage);
        done.ReadOutputAs<List<string>>().Should().Equal(Enumerable.Range(0, 4).Select(i => $"child:c{i}"));

        var partition = Keys.PartitionKey(Keys.PartitionOf(id, EnginePartitions));
        var instances = _host.Storage.Tables.GetTableClient($"{_host.HubName}Instances");
        for (var i = 0; i < 4; i++)
        {
            var childId = $"{id}!c{i}";
            Keys.PartitionOf(childId, EnginePartitions).Should().Be(Keys.PartitionOf(id, EnginePartitions));
            var status = (await instances.GetEntityAsync<Azure.Data.Tables.TableEntity>(partition, Keys.Status(childId), cancellationToken: ct)).Value;
            status.GetString("Status").Should().Be(nameof(OrchestrationRuntimeStatus.Completed));
            // The completion went into the parent's inbox with the child's last episode: nothing left to send.
            status.GetBoolean("Outbox").Should().BeFalse();
        }

        // Every completion was consumed by the parent: no inbox row of the family is left.
        var leftovers = instances.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == partition, cancellationToken: ct);
        await foreach (var row in leftovers)
        {
            row.RowKey.Should().NotStartWith(Keys.InboxPrefix(id)).And.NotStartWith("I|" + Keys.Escape(id + "!"));
        }
    }

    [Fact]
    public async Task ContinueAsNew_FiveGenerations_HistoryResetAndFinalOutput()
    {
        var ct = Wait.Timeout();
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(Counter), 0, cancellationToken: ct);
        var done = await Client.WaitForInstanceCompletionAsync(id, true, ct);
        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ErrorMessage);
        done.ReadOutputAs<int>().Should().Be(5);
        var history = await Client.GetOrchestrationHistoryAsync(id, ct);
        history.Count(e => e.EventType == "ExecutionStarted").Should().Be(1, "only the last execution's history remains");
        history.Single(e => e.EventType == "TaskScheduled").Data.Should().Be("\"5\"");
    }

    [Fact]
    public async Task NewGuid_AfterReplayFromStorage_SameValues()
    {
        var ct = Wait.Timeout();
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(GuidOrchestration), "g", cancellationToken: ct);
        await Wait.UntilStatusAsync(Client, id, m => m.SerializedCustomStatus is not null, "guids recorded");
        var first = (await Client.GetInstanceAsync(id, cancellationToken: ct))!.ReadCustomStatusAs<Guid[]>()!;

        // Restart the host: the instance is replayed from storage before the event is applied.
        await _host.DisposeAsync();
        _host = await EngineHost.StartAsync(r => r.AddOrchestrator<GuidOrchestration>().AddActivity<Echo>(), hubName: _host.HubName);
        await Client.RaiseEventAsync(id, "done", cancellationToken: ct);
        var done = await Client.WaitForInstanceCompletionAsync(id, true, ct);
        done.ReadOutputAs<List<Guid>>().Should().Equal(first);
        first[0].Should().NotBe(first[1]);
    }
}
