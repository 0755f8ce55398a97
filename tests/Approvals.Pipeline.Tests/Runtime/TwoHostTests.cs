namespace Approvals.Pipeline.Tests.Runtime;

/// <summary>Two host processes on one task hub share the work; when one is killed the other finishes every case.</summary>
[Collection(RuntimeCollection.Name)]
public sealed class TwoHostTests
{
    [Fact]
    public async Task TwoHosts_OneKilledMidway_SurvivorFinishesEveryCaseOnce()
    {
        var hub = "two" + Guid.NewGuid().ToString("N")[..8];
        const string storage = "UseDevelopmentStorage=true";
        var settings = HostProcess.Settings(storage, hub);
        await using var first = await HostProcess.StartAsync(settings);
        await using var second = await HostProcess.StartAsync(settings);
        var toFirst = new RemoteDriver { BaseAddress = first.BaseAddress };
        var toSecond = new RemoteDriver { BaseAddress = second.BaseAddress };

        // Half the cases enter through each host; each host's worker takes partitions of the shared hub.
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var driver = i % 2 == 0 ? toFirst : toSecond;
            var id = await driver.PrepareAsync();
            await driver.SubmitAsync(id);
            ids.Add(id);
        }

        // Once every department task is open, the first host dies; the departments answer through the second.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((await Task.WhenAll(ids.Select(toSecond.StatusAsync))).Any(s => s != "InReview"))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "every case reaches review with two hosts: " + second.Output);
            await Task.Delay(250);
        }

        await first.KillAsync();
        deadline = DateTime.UtcNow.AddMinutes(3);
        while ((await Task.WhenAll(ids.Select(toSecond.StatusAsync))).Any(s => s != "Issued"))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the survivor takes the dead host's partitions and finishes: " + second.Output);
            await toSecond.ApprovePendingAsync();
            await Task.Delay(250);
        }

        await CaseChecks.AssertIssuedOnceAsync(toSecond, storage, settings["Approvals__TablePrefix"], ids);
    }
}
