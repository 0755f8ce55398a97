using System.Diagnostics;
using Approvals.Bench.Engine.Diagnostics;
using Approvals.Durable.Storage;

namespace Approvals.Bench.Engine;

/// <summary>Storage requests by service, from the engine's request counter.</summary>
internal readonly record struct StorageCount(long Tables, long Queues, long Blobs)
{
    public long Total => Tables + Queues + Blobs;

    public static StorageCount Of(StorageRequestCounter counter)
    {
        var (t, q, b) = counter.Snapshot();
        return new(t, q, b);
    }

    public StorageCount Minus(StorageCount earlier) => new(Tables - earlier.Tables, Queues - earlier.Queues, Blobs - earlier.Blobs);

    /// <summary>E.g. <c>0.62/activity (tables 0.55, queues 0.06, blobs 0.01)</c>.</summary>
    public string Per(double units, string unit)
        => FormattableString.Invariant($"{Total / units:0.00}/{unit} (tables {Tables / units:0.00}, queues {Queues / units:0.00}, blobs {Blobs / units:0.00})");
}

/// <summary>What one measured window cost: time, storage requests (total and by operation), episodes.</summary>
internal sealed record Measured(TimeSpan Elapsed, StorageCount Requests, long Episodes, TimeSpan EpisodeTime, IReadOnlyDictionary<string, CallStats> Calls, TimeSpan GcPause, int Gen2Collections);

/// <summary>A measured window: snapshots everything at the start, differences at the end.</summary>
internal sealed class Measurement
{
    private readonly BenchHost _host;
    private readonly StorageCallRecorder _calls;
    private readonly EngineMeter _meter;
    private readonly StorageCount _requests;
    private readonly long _episodes;
    private readonly TimeSpan _episodeTime;
    private readonly long _started;
    private readonly TimeSpan _gcPause;
    private readonly int _gen2;

    public Measurement(BenchHost host, StorageCallRecorder calls, EngineMeter meter)
    {
        _host = host;
        _calls = calls;
        _meter = meter;
        _calls.TakeSnapshot();
        _requests = StorageCount.Of(host.Requests);
        _episodes = meter.Episodes;
        _episodeTime = meter.EpisodeTime;
        _gcPause = GC.GetTotalPauseDuration();
        _gen2 = GC.CollectionCount(2);
        _started = Stopwatch.GetTimestamp();
    }

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    public Measured Stop() => new(
        Stopwatch.GetElapsedTime(_started),
        StorageCount.Of(_host.Requests).Minus(_requests),
        _meter.Episodes - _episodes,
        _meter.EpisodeTime - _episodeTime,
        _calls.TakeSnapshot(),
        GC.GetTotalPauseDuration() - _gcPause,
        GC.CollectionCount(2) - _gen2);
}
