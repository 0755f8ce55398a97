using System.Net;
using Azure.Storage.Queues;
using Microsoft.DurableTask.Client;

namespace Approvals.Pipeline.Tests.Pipeline;

/// <summary>
/// What a case costs the runtime: one orchestration instance (the departments' steps run inside it) and at most one
/// durable timer message in the task hub's control queues — the provider keeps every timer there until it is due,
/// also after the case has ended. This class has a task hub of its own, so the hub holds this case alone.
/// </summary>
public sealed class CaseShapeTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    [Fact]
    public async Task CaseInReview_IsOneInstance_WithAtMostOneTimerMessagePending_BeforeAndAfterItEnds()
    {
        var driver = new Driver(app, "applicant-shape");
        var id = await driver.SubmitCompleteCaseAsync();
        var tasks = new Dictionary<string, string>();
        foreach (var department in TestCatalogue.Departments)
        {
            tasks[department] = await driver.WaitForTaskAsync(id, department);
        }

        (await InstanceIdsAsync()).Should().Equal([id], "every department's step runs inside the case's own instance");
        (await SettledControlMessagesAsync()).Should().BeLessThanOrEqualTo(1, "the case's clocks share one durable timer");

        // Two departments decide: the case keeps waiting, on the same single timer.
        foreach (var department in TestCatalogue.Departments.Take(2))
        {
            (await driver.DecideAsync(id, department, Driver.Approve(tasks[department]))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        await driver.WaitForCaseAsync(id, v => TestCatalogue.Departments.Take(2).All(d => Driver.Department(v, d)["status"]!.GetValue<string>() == "Approved"), "two approvals");
        (await SettledControlMessagesAsync()).Should().BeLessThanOrEqualTo(1, "a decision never adds a timer");
        (await app.Engine.GetInstanceAsync(id))!.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Running);

        var last = TestCatalogue.Departments[^1];
        (await driver.DecideAsync(id, last, Driver.Approve(tasks[last]))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await driver.WaitForStatusAsync(id, "Issued");
        (await CompletedAsync(id)).Should().Be(OrchestrationRuntimeStatus.Completed);

        (await InstanceIdsAsync()).Should().Equal([id]);
        (await SettledControlMessagesAsync()).Should().BeLessThanOrEqualTo(1, "an ended case leaves at most its one timer behind, due in days");
    }

    private async Task<OrchestrationRuntimeStatus?> CompletedAsync(string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        OrchestrationMetadata? meta;
        do
        {
            meta = await app.Engine.GetInstanceAsync(id, true);
            if (meta is { IsCompleted: true })
            {
                return meta.RuntimeStatus;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"The case's instance did not complete: {await Runtime.RuntimeProbe.DescribeAsync("UseDevelopmentStorage=true", app.HubName, id)}");
    }

    private async Task<List<string>> InstanceIdsAsync()
    {
        var ids = new List<string>();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var instance in app.Engine.GetAllInstancesAsync(new OrchestrationQuery()).WithCancellation(wait.Token))
        {
            ids.Add(instance.InstanceId);
        }

        return ids;
    }

    /// <summary>
    /// The messages in the hub's control queues (delayed timer messages included) once the messages in flight have been
    /// processed: read until one count held for three reads in a row at one message or fewer, else the last count read.
    /// </summary>
    private async Task<long> SettledControlMessagesAsync()
    {
        var queues = new QueueServiceClient("UseDevelopmentStorage=true");
        var names = Enumerable.Range(0, int.Parse(app.AppSettings["DurableTask:PartitionCount"]!, System.Globalization.CultureInfo.InvariantCulture))
            .Select(i => $"{app.HubName.ToLowerInvariant()}-control-{i:00}")
            .ToList();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        long? previous = null;
        var same = 0;
        while (DateTime.UtcNow < deadline)
        {
            long count = 0;
            foreach (var name in names)
            {
                count += (await queues.GetQueueClient(name).GetPropertiesAsync()).Value.ApproximateMessagesCount;
            }

            same = count == previous ? same + 1 : 0;
            previous = count;
            if (same >= 2 && count <= 1)
            {
                return count;
            }

            await Task.Delay(300);
        }

        return previous ?? -1;
    }
}
