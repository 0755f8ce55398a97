using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Approvals.Pipeline.Runtime;
using Approvals.Pipeline.Storage;
using Approvals.Pipeline.Hosting;
using FluentAssertions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Xunit;

namespace Approvals.Pipeline.Tests.Hosting;

/// <summary>Exporters switched by configuration, and the control-queue depth gauge against Azurite.</summary>
public sealed class TelemetryTests
{
    private static WebApplication Build(string exporter)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/",
        });
        builder.Services.AddSingleton(StorageConnection.Create("UseDevelopmentStorage=true"));
        builder.AddApprovalsTelemetry(new TelemetryOptions { Exporter = exporter });
        return builder.Build();
    }

    [Fact]
    public async Task Configured_exporters_trace_the_engine_and_sample_queue_depth()
    {
        await using var app = Build("otlp,azuremonitor");

        app.Services.GetService<TracerProvider>().Should().NotBeNull();
        app.Services.GetService<MeterProvider>().Should().NotBeNull();
        app.Services.GetServices<IHostedService>().Should().Contain(s => s is QueueDepthSampler);
        using var runtimeSource = new ActivitySource("DurableTask.Core");
        runtimeSource.HasListeners().Should().BeTrue("the Durable runtime's orchestrations and activities are traced");
    }

    [Fact]
    public async Task No_exporter_means_no_telemetry_pipeline()
    {
        await using var app = Build("none");

        app.Services.GetService<TracerProvider>().Should().BeNull();
        app.Services.GetServices<IHostedService>().Should().NotContain(s => s is QueueDepthSampler);
    }

    [Fact]
    public async Task Queue_depth_gauge_reports_each_control_queue()
    {
        var storage = StorageConnection.Create("UseDevelopmentStorage=true");
        var engine = new DurableRuntimeOptions { HubName = "q" + Guid.NewGuid().ToString("N")[..10], PartitionCount = 2 };
        foreach (var name in engine.ControlQueueNames)
        {
            await storage.Queues.GetQueueClient(name).CreateIfNotExistsAsync();
        }

        var busy = storage.Queues.GetQueueClient(engine.ControlQueueNames.ElementAt(1));
        for (var i = 0; i < 3; i++)
        {
            await busy.SendMessageAsync("wake-up");
        }

        var depths = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "durable.queue.depth")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "queue" && tag.Value is string q && engine.ControlQueueNames.Contains(q))
                {
                    depths[q] = value;
                }
            }
        });
        listener.Start();
        var hosting = new HostingOptions { Telemetry = new TelemetryOptions { QueueDepthIntervalSeconds = 1 } };
        using var sampler = new QueueDepthSampler(storage, Options.Create(engine), Options.Create(hosting), NullLogger<QueueDepthSampler>.Instance);
        await sampler.StartAsync(default);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (DateTime.UtcNow < deadline && depths.Count < 2)
            {
                listener.RecordObservableInstruments();
                await Task.Delay(100);
            }
        }
        finally
        {
            await sampler.StopAsync(default);
            foreach (var name in engine.ControlQueueNames)
            {
                await storage.Queues.GetQueueClient(name).DeleteIfExistsAsync();
            }
        }

        depths.Should().BeEquivalentTo(new Dictionary<string, long> { [engine.ControlQueueNames.First()] = 0, [engine.ControlQueueNames.ElementAt(1)] = 3 });
    }
}
