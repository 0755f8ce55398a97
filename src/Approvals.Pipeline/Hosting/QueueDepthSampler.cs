using System.Diagnostics.Metrics;
using Approvals.Pipeline.Runtime;
using Approvals.Pipeline.Storage;
using Microsoft.Extensions.Options;

namespace Approvals.Pipeline.Hosting;

/// <summary>
/// Samples the engine's control queues (<c>{hub}-control-NN</c>, the queues the platform scales on) every
/// <c>Telemetry:QueueDepthIntervalSeconds</c> and publishes them as the <c>durable.queue.depth</c> gauge, plus the
/// storage requests this process made as <c>approvals.storage.requests</c>. One queue-properties call per partition
/// per interval; a failed sample keeps the last value and is logged at debug level.
/// </summary>
internal sealed class QueueDepthSampler : BackgroundService
{
    private readonly StorageConnection _storage;
    private readonly DurableRuntimeOptions _engine;
    private readonly TimeSpan _interval;
    private readonly ILogger<QueueDepthSampler> _logger;
    private readonly Dictionary<string, long> _depths = new(StringComparer.Ordinal);

    public QueueDepthSampler(StorageConnection storage, IOptions<DurableRuntimeOptions> engine, IOptions<HostingOptions> hosting, ILogger<QueueDepthSampler> logger)
    {
        _storage = storage;
        _engine = engine.Value;
        _interval = TimeSpan.FromSeconds(hosting.Value.Telemetry.QueueDepthIntervalSeconds);
        _logger = logger;
        ApprovalsTelemetry.Meter.CreateObservableGauge("durable.queue.depth", Observe, description: "Approximate messages in each engine control queue");
        ApprovalsTelemetry.Meter.CreateObservableCounter("approvals.storage.requests", ObserveRequests, description: "Storage requests made by this process, every try counted");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval);
        do
        {
            foreach (var name in _engine.ControlQueueNames)
            {
                try
                {
                    var properties = await _storage.Queues.GetQueueClient(name).GetPropertiesAsync(stoppingToken);
                    lock (_depths)
                    {
                        _depths[name] = properties.Value.ApproximateMessagesCount;
                    }
                }
                catch (Azure.RequestFailedException e)
                {
                    _logger.LogDebug(e, "Could not sample the depth of {Queue}", name);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        lock (_depths)
        {
            return _depths.Select(d => new Measurement<long>(d.Value, new KeyValuePair<string, object?>("queue", d.Key))).ToList();
        }
    }

    private IEnumerable<Measurement<long>> ObserveRequests()
    {
        var c = _storage.RequestCounter;
        yield return new Measurement<long>(c.Tables, new KeyValuePair<string, object?>("service", "tables"));
        yield return new Measurement<long>(c.Queues, new KeyValuePair<string, object?>("service", "queues"));
        yield return new Measurement<long>(c.Blobs, new KeyValuePair<string, object?>("service", "blobs"));
    }
}
