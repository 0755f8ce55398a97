using System.Diagnostics;
using System.Net;
using Approvals.Pipeline.Tests.Pipeline;

namespace Approvals.Pipeline.Tests.Runtime;

/// <summary>
/// The provider polls idle control queues with a back-off up to <c>DurableTask__MaxQueuePollingInterval</c>: after a
/// quiet spell, an event waits at most that long before its orchestration runs. With the 30-s default of Durable
/// Functions a decision would sit for up to half a minute; this host's 1 s must show.
/// </summary>
[Collection(RuntimeCollection.Name)]
public sealed class PollingTests : IAsyncLifetime
{
    private readonly PipelineApp _app = new();

    public Task InitializeAsync()
    {
        _app.Settings["DurableTask:MaxQueuePollingInterval"] = "00:00:01";
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task IdleQueues_LastDecisionAfterAQuietSpell_CaseIssuedWithinAFewPollingIntervals()
    {
        var driver = new Driver(_app, "applicant-polling");
        var id = await driver.SubmitCompleteCaseAsync();
        var tasks = new Dictionary<string, string>();
        foreach (var d in TestCatalogue.Departments)
        {
            tasks[d] = await driver.WaitForTaskAsync(id, d);
        }

        foreach (var d in TestCatalogue.Departments.Skip(1))
        {
            (await driver.DecideAsync(id, d, Driver.Approve(tasks[d]))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        await driver.WaitForCaseAsync(id, v => TestCatalogue.Departments.Skip(1).All(d => Driver.Department(v, d)["status"]!.GetValue<string>() == "Approved"), "two approvals");
        // The quiet spell itself is the scenario (not a wait for something to happen): the queues must go idle long
        // enough for the poller to back off to its maximum.
        await Task.Delay(TimeSpan.FromSeconds(8));

        var clock = Stopwatch.StartNew();
        (await driver.DecideAsync(id, TestCatalogue.Departments[0], Driver.Approve(tasks[TestCatalogue.Departments[0]]))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await driver.WaitForStatusAsync(id, "Issued", seconds: 30);

        // Three hops after the callback (the step's event, the step's completion to the case, issuance): each may
        // wait one polling interval. The bound leaves room for a slow machine, not for the 30-s default.
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
    }
}
