namespace Approvals.Durable.Tests;

/// <summary>Terminate, suspend, resume, purge, queries, and instance ids that need escaping.</summary>
public sealed class ManagementTests : IAsyncLifetime
{
    private EngineHost _host = null!;

    public async Task InitializeAsync() => _host = await EngineHost.StartAsync(r => r.AddOrchestrator<WaitForApproval>().AddOrchestrator<BigPayload>().AddActivity<Echo>());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private DurableTaskClient Client => _host.Client;

    [Fact]
    public async Task Terminate_RunningInstance_TerminatedWithOutput()
    {
        var ct = Wait.Timeout();
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForApproval), "x", cancellationToken: ct);
        await Wait.UntilStatusAsync(Client, id, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Running, "running");
        await Client.TerminateInstanceAsync(id, "stopped by test", ct);
        var done = await Client.WaitForInstanceCompletionAsync(id, true, ct);
        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Terminated);
        done.ReadOutputAs<string>().Should().Be("stopped by test");

        await Client.RaiseEventAsync(id, "approve", "too late", ct);
        await Wait.UntilAsync(async () => !await HasInboxRowsAsync(id), TimeSpan.FromSeconds(20), "event for a terminated instance is dropped");
        (await Client.GetInstanceAsync(id, true, ct))!.ReadOutputAs<string>().Should().Be("stopped by test");
    }

    [Fact]
    public async Task Suspend_EventWhileSuspended_KeptUntilResume()
    {
        var ct = Wait.Timeout();
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForApproval), "x", cancellationToken: ct);
        await Wait.UntilStatusAsync(Client, id, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Running, "running");
        await Client.SuspendInstanceAsync(id, "audit", ct);
        await Wait.UntilStatusAsync(Client, id, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Suspended, "suspended");
        await Client.RaiseEventAsync(id, "approve", "while suspended", ct);
        await Wait.UntilAsync(() => HasInboxRowsAsync(id), TimeSpan.FromSeconds(5), "event waits in the inbox");
        (await Client.GetInstanceAsync(id, cancellationToken: ct))!.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Suspended);

        await Client.ResumeInstanceAsync(id, "done", ct);
        var done = await Client.WaitForInstanceCompletionAsync(id, true, ct);
        done.ReadOutputAs<string>().Should().Be("while suspended");
    }

    [Fact]
    public async Task Purge_CompletedInstance_AllRowsGone()
    {
        var ct = Wait.Timeout();
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForApproval), "x", cancellationToken: ct);
        await Client.RaiseEventAsync(id, "approve", "y", ct);
        await Client.WaitForInstanceCompletionAsync(id, false, ct);
        var result = await Client.PurgeInstanceAsync(id, ct);
        result.PurgedInstanceCount.Should().Be(1);
        (await Client.GetInstanceAsync(id, cancellationToken: ct)).Should().BeNull();
        (await Client.GetOrchestrationHistoryAsync(id, ct)).Should().BeEmpty();
        var table = _host.Storage.Tables.GetTableClient($"{_host.HubName}Instances");
        var rows = table.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.RowKey.CompareTo("H|" + id) >= 0 && e.RowKey.CompareTo("H|" + id + "~") < 0, cancellationToken: ct);
        (await rows.ToListAsync(ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task Purge_RunningInstance_Refused()
    {
        var ct = Wait.Timeout();
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForApproval), "x", cancellationToken: ct);
        var act = () => Client.PurgeInstanceAsync(id, ct);
        await act.Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task Schedule_SameIdWhileRunning_Refused()
    {
        var ct = Wait.Timeout();
        var id = $"dup-{Guid.NewGuid():N}";
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForApproval), "x", new StartOrchestrationOptions(id), ct);
        var act = () => Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForApproval), "x", new StartOrchestrationOptions(id), ct);
        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*already exists*");
    }

    [Fact]
    public async Task GetAllInstances_PrefixAndStatusAndPaging_ReturnsExactlyTheMatches()
    {
        var ct = Wait.Timeout();
        var prefix = $"q{Guid.NewGuid():N}"[..12];
        var ids = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            ids.Add(await Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForApproval), "x", new StartOrchestrationOptions($"{prefix}-{i:D2}"), ct));
        }

        foreach (var id in ids.Take(5))
        {
            await Client.RaiseEventAsync(id, "approve", "ok", ct);
            await Client.WaitForInstanceCompletionAsync(id, false, ct);
        }

        var all = new List<OrchestrationMetadata>();
        var pages = 0;
        await foreach (var page in Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = prefix, PageSize = 4 }).AsPages())
        {
            pages++;
            page.Values.Count.Should().BeLessThanOrEqualTo(4);
            all.AddRange(page.Values);
        }

        all.Select(m => m.InstanceId).Should().BeEquivalentTo(ids);
        pages.Should().BeGreaterThan(4);

        var completed = await Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = prefix, Statuses = [OrchestrationRuntimeStatus.Completed] }).ToListAsync(ct);
        completed.Select(m => m.InstanceId).Should().BeEquivalentTo(ids.Take(5));
    }

    [Theory]
    [InlineData("case/2026#1?x")]
    [InlineData("back\\slash|pipe%percent")]
    [InlineData("行政许可-食品经营-0001")]
    public async Task Instance_IdWithReservedCharacters_WorksEndToEnd(string id)
    {
        var ct = Wait.Timeout();
        id += Guid.NewGuid().ToString("N")[..6];
        await Client.RaiseEventAsync(id, "approve", "escaped", ct);
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForApproval), "x", new StartOrchestrationOptions(id), ct);
        var done = await Client.WaitForInstanceCompletionAsync(id, true, ct);
        done.InstanceId.Should().Be(id);
        done.ReadOutputAs<string>().Should().Be("escaped");
    }

    [Fact]
    public async Task Payloads_OneMebibyteInputResultAndEvent_RoundTrip()
    {
        var ct = Wait.Timeout();
        var big = new string('许', 512 * 1024) + new string('x', 512 * 1024); // > 1 MiB of UTF-8
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(BigPayload), big, cancellationToken: ct);
        await Client.RaiseEventAsync(id, "big", big, ct);
        var done = await Client.WaitForInstanceCompletionAsync(id, true, ct);
        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ErrorMessage);
        done.ReadOutputAs<string>().Should().Be($"{big.Length}:{big.Length}:same");
        done.ReadInputAs<string>().Should().Be(big);
    }

    private async Task<bool> HasInboxRowsAsync(string id)
    {
        var table = _host.Storage.Tables.GetTableClient($"{_host.HubName}Instances");
        var rows = table.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.RowKey.CompareTo("I|" + id + "|") >= 0 && e.RowKey.CompareTo("I|" + id + "}") < 0);
        return (await rows.ToListAsync()).Count > 0;
    }
}

internal static class AsyncEnumerableExtensions
{
    public static async Task<List<T>> ToListAsync<T>(this IAsyncEnumerable<T> source, CancellationToken ct = default)
    {
        var list = new List<T>();
        await foreach (var item in source.WithCancellation(ct))
        {
            list.Add(item);
        }

        return list;
    }
}
