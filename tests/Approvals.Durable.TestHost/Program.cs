using Approvals.Durable;
using Approvals.Durable.Storage;
using Approvals.Durable.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A worker process for crash and multi-host tests: `--hub H --host-id X --lease-ttl-seconds 4 --log path`.
var settings = HostArgs.Parse(args);
var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSingleton(StorageConnection.Create("UseDevelopmentStorage=true"));
builder.Services.AddSingleton(new WorkLog(settings.LogPath));
builder.Services.AddDurableTask(
    r => r.AddOrchestrator<CrashFanOut>().AddActivity<SlowWork>(),
    o =>
    {
        o.HubName = settings.Hub;
        o.HostId = settings.HostId;
        o.PartitionCount = 4;
        o.LeaseTtl = TimeSpan.FromSeconds(settings.LeaseTtlSeconds);
    });
using var host = builder.Build();
await host.StartAsync();
Console.WriteLine("READY");
await host.WaitForShutdownAsync();
