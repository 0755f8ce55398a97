using Approvals.Pipeline.Tests.Pipeline;

namespace Approvals.Pipeline.Tests.Runtime;

/// <summary>
/// Our use of the runtime under crashes: the host process is SIGKILLed at random points while cases run, and a new
/// one takes over the same task hub. Every case must end issued, once, with each event on its timeline once —
/// activities re-run after a crash (DTFx runs them at least once) and their idempotency keys must absorb it.
/// </summary>
[Collection(RuntimeCollection.Name)]
public sealed class CrashTests
{
    [Fact]
    public async Task Sigkill_ThreeTimesDuringTwentyCases_EveryCaseIssuedOnceWithOneTimelineEntryPerEvent()
    {
        var hub = "crash" + Guid.NewGuid().ToString("N")[..8];
        const string storage = "UseDevelopmentStorage=true";
        var settings = HostProcess.Settings(storage, hub);
        var host = await HostProcess.StartAsync(settings);
        var driver = new RemoteDriver { BaseAddress = host.BaseAddress };
        try
        {
            var ids = new List<string>();
            for (var i = 0; i < 20; i++)
            {
                ids.Add(await driver.PrepareAsync());
            }

            foreach (var id in ids)
            {
                await driver.SubmitAsync(id);
            }

            // Departments answer continuously; the host dies three times at random moments of the run.
            using var stop = new CancellationTokenSource();
            var departments = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await driver.ApprovePendingAsync();
                    await Task.Delay(200);
                }
            });
            for (var kill = 0; kill < 3; kill++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(300, 2500)));
                await host.KillAsync();
                await host.DisposeAsync();
                host = await HostProcess.StartAsync(settings, host.Port);
            }

            // Correctness, not speed: on a loaded 2-core machine twenty cases after three kills have taken over 5 minutes.
            var deadline = DateTime.UtcNow.AddMinutes(8);
            foreach (var id in ids)
            {
                while (await driver.StatusAsync(id) != "Issued")
                {
                    if (DateTime.UtcNow > deadline)
                    {
                        Assert.Fail($"case {id} is issued after the crashes: {await driver.ViewAsync(id)}; {await RuntimeProbe.DescribeAsync(storage, hub, id)}; {host.Output}");
                    }

                    await Task.Delay(250);
                }
            }

            await stop.CancelAsync();
            await departments;
            await CaseChecks.AssertIssuedOnceAsync(driver, storage, settings["Approvals__TablePrefix"], ids);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}

/// <summary>
/// The runtime tests start host processes, Azurite instances and kill them: they run one after another, beside
/// (not inside) the in-process test classes.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RuntimeCollection
{
    public const string Name = "runtime";
}
