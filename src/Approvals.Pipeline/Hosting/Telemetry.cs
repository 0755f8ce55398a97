using System.Diagnostics;
using System.Diagnostics.Metrics;
using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Approvals.Pipeline.Hosting;

/// <summary>The app's own instruments.</summary>
internal static class ApprovalsTelemetry
{
    public const string Name = "Approvals.Pipeline";

    public static readonly Meter Meter = new(Name);

    /// <summary>Supervision alerts raised (预警, 黄牌, 红牌), tagged with <c>level</c> and <c>scope</c> (case or step).</summary>
    public static readonly Counter<long> AlertsRaised = Meter.CreateCounter<long>("approvals.alerts.raised", description: "Supervision alerts raised");

    /// <summary>Writes submitted to a <see cref="Storage.PartitionBatcher"/>, tagged with <c>table</c>.</summary>
    public static readonly Counter<long> BatchedWrites = Meter.CreateCounter<long>("approvals.batcher.writes", description: "Writes submitted to a PartitionBatcher, by table");

    /// <summary>Entity-group transactions a <see cref="Storage.PartitionBatcher"/> sent, tagged with <c>table</c>.</summary>
    public static readonly Counter<long> BatchTransactions = Meter.CreateCounter<long>("approvals.batcher.transactions", description: "Entity-group transactions a PartitionBatcher sent, by table");
}

/// <summary>
/// OpenTelemetry for traces, metrics and logs. Exporters are chosen by <c>Telemetry:Exporter</c> (console in
/// Development by default, OTLP, Azure Monitor). Traces: ASP.NET Core requests, the Durable runtime's orchestrations and
/// activities (sources DurableTask.Core and Microsoft.DurableTask), and below them every storage call and department
/// webhook (outgoing HTTP). Metrics: ASP.NET Core, HttpClient, this app's meter (alerts raised, queue depth, storage
/// requests, batched writes) and the .NET runtime.
/// </summary>
internal static class TelemetryRegistration
{
    public static IHostApplicationBuilder AddApprovalsTelemetry(this IHostApplicationBuilder builder, TelemetryOptions options)
    {
        var exporters = options.Exporters(builder.Environment.IsDevelopment());
        if (exporters.Count == 0)
        {
            return builder;
        }

        var appInsights = builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("approvals", serviceInstanceId: Environment.MachineName))
            .WithTracing(t =>
            {
                t.AddSource("DurableTask.Core", "Microsoft.DurableTask")
                    .AddAspNetCoreInstrumentation(o => o.Filter = c => !HealthEndpoints.IsProbe(c.Request.Path))
                    // Storage calls and webhooks are traced inside a request, an orchestration or an activity; the runtime's
                    // background polling and lease renewal (a few calls a second, no parent) are counted, not traced.
                    .AddHttpClientInstrumentation(o => o.FilterHttpRequestMessage = _ => Activity.Current?.Parent is not null);
                foreach (var e in exporters)
                {
                    _ = e switch
                    {
                        "console" => t.AddConsoleExporter(),
                        "otlp" => t.AddOtlpExporter(),
                        "azuremonitor" => t.AddAzureMonitorTraceExporter(o => o.ConnectionString = appInsights),
                        _ => t,
                    };
                }
            })
            .WithMetrics(m =>
            {
                m.AddMeter(ApprovalsTelemetry.Name)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation();
                foreach (var e in exporters)
                {
                    _ = e switch
                    {
                        "console" => m.AddConsoleExporter(),
                        "otlp" => m.AddOtlpExporter(),
                        "azuremonitor" => m.AddAzureMonitorMetricExporter(o => o.ConnectionString = appInsights),
                        _ => m,
                    };
                }
            });

        // Logs keep the console logger; the remote exporters get them with their scopes (the case number).
        if (exporters.Contains("otlp") || exporters.Contains("azuremonitor"))
        {
            builder.Logging.AddOpenTelemetry(o =>
            {
                o.IncludeScopes = true;
                o.IncludeFormattedMessage = true;
                if (exporters.Contains("otlp"))
                {
                    o.AddOtlpExporter();
                }

                if (exporters.Contains("azuremonitor"))
                {
                    o.AddAzureMonitorLogExporter(a => a.ConnectionString = appInsights);
                }
            });
        }

        if (options.QueueDepthIntervalSeconds > 0)
        {
            builder.Services.AddHostedService<QueueDepthSampler>();
        }

        return builder;
    }
}
