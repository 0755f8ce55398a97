using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace Approvals.Pipeline.Tests.Runtime;

/// <summary>
/// Storage going away and coming back, without restarting the host: a 60-s outage in the middle of a case, and a
/// host started before storage is reachable at all. Each test has an Azurite of its own to stop and start.
/// </summary>
[Collection(RuntimeCollection.Name)]
public sealed class StorageOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task StorageDown60s_MidReview_SameHostFinishesTheCaseAfterwards()
    {
        await using var azurite = new PrivateAzurite();
        await azurite.StartAsync();
        var settings = HostProcess.Settings(azurite.ConnectionString, "out" + Guid.NewGuid().ToString("N")[..8]);
        await using var host = await HostProcess.StartAsync(settings);
        var driver = new RemoteDriver { BaseAddress = host.BaseAddress };
        var id = await driver.PrepareAsync();
        await driver.SubmitAsync(id);
        await WaitForAsync(driver, id, "InReview", host);

        await azurite.StopAsync();
        (await driver.StatusAsync(id)).Should().BeNull("with storage down the case cannot be read (503), not made up");
        await Task.Delay(TimeSpan.FromSeconds(60));
        await azurite.StartAsync();
        var back = Stopwatch.StartNew();

        var deadline = DateTime.UtcNow.AddMinutes(3);
        string? status;
        TimeSpan? readable = null, approved = null;
        while ((status = await driver.StatusAsync(id)) != "Issued")
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"after the outage the same host processes decisions again (status {status}; {await ReadinessAsync(host)}; {await driver.ViewAsync(id)}; {await RuntimeProbe.DescribeAsync(azurite.ConnectionString, settings["DurableTask__HubName"], id)}): {host.Output}");
            readable ??= status is null ? null : back.Elapsed;
            if (await driver.ApprovePendingAsync() > 0)
            {
                approved ??= back.Elapsed;
            }

            await Task.Delay(250);
        }

        output.WriteLine($"After storage came back: case readable {readable?.TotalSeconds:0.0} s, decisions accepted {approved?.TotalSeconds:0.0} s, issued {back.Elapsed.TotalSeconds:0.0} s.");

        await CaseChecks.AssertIssuedOnceAsync(driver, azurite.ConnectionString, settings["Approvals__TablePrefix"], [id]);
    }

    [Fact]
    public async Task HostStartedBeforeStorage_NotReadyUntilStorageComes_ThenRunsCases()
    {
        await using var azurite = new PrivateAzurite();
        var settings = HostProcess.Settings(azurite.ConnectionString, "late" + Guid.NewGuid().ToString("N")[..8]);
        await using var host = await HostProcess.StartAsync(settings);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var notReady = await http.GetAsync("/readyz");
        notReady.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await notReady.Content.ReadAsStringAsync()).Should().Contain("The Durable runtime has not started");

        await azurite.StartAsync();
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while ((await http.GetAsync("/readyz")).StatusCode != HttpStatusCode.OK)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the runtime starts once storage answers: " + host.Output);
            await Task.Delay(250);
        }

        var driver = new RemoteDriver { BaseAddress = host.BaseAddress };
        var id = await driver.PrepareAsync();
        await driver.SubmitAsync(id);
        deadline = DateTime.UtcNow.AddMinutes(1);
        while (await driver.StatusAsync(id) != "Issued")
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "a case runs on the late-started runtime: " + host.Output);
            await driver.ApprovePendingAsync();
            await Task.Delay(250);
        }
    }

    private static async Task<string> ReadinessAsync(HostProcess host)
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        return await (await http.GetAsync("/readyz")).Content.ReadAsStringAsync();
    }

    private static async Task WaitForAsync(RemoteDriver driver, string id, string status, HostProcess host)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (await driver.StatusAsync(id) != status)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"case {id} reaches {status}: {host.Output}");
            await Task.Delay(100);
        }
    }
}
