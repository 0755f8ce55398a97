using System.Diagnostics.Metrics;

namespace Approvals.Bench.Engine.Diagnostics;

/// <summary>Listens to the engine's <c>Approvals.Durable</c> meter: episodes committed and their duration, activities run.</summary>
internal sealed class EngineMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _episodes;
    private long _episodeMicros;
    private long _activities;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long[]> _batched = new(StringComparer.Ordinal);

    public EngineMeter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Approvals.Durable" && instrument.Name is "durable.episodes" or "durable.episode.duration" or "durable.activities" or "durable.batcher.writes" or "durable.batcher.transactions")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name is "durable.batcher.writes" or "durable.batcher.transactions")
            {
                var table = tags.Length > 0 ? tags[0].Value as string ?? "?" : "?";
                var counts = _batched.GetOrAdd(table, _ => new long[2]);
                Interlocked.Add(ref counts[instrument.Name == "durable.batcher.writes" ? 0 : 1], value);
            }
            else if (instrument.Name == "durable.episodes")
            {
                Interlocked.Add(ref _episodes, value);
            }
            else
            {
                Interlocked.Add(ref _activities, value);
            }
        });
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) => Interlocked.Add(ref _episodeMicros, (long)(value * 1000)));
        _listener.Start();
    }

    /// <summary>Episodes committed so far.</summary>
    public long Episodes => Interlocked.Read(ref _episodes);

    /// <summary>Activity executions so far.</summary>
    public long Activities => Interlocked.Read(ref _activities);

    /// <summary>Summed episode time (load, replay, commit) so far.</summary>
    public TimeSpan EpisodeTime => TimeSpan.FromMicroseconds(Interlocked.Read(ref _episodeMicros));

    /// <summary>Group commits so far, by table: writes submitted and transactions sent.</summary>
    public IReadOnlyDictionary<string, (long Writes, long Transactions)> Batched()
        => _batched.ToDictionary(kv => kv.Key, kv => (Interlocked.Read(ref kv.Value[0]), Interlocked.Read(ref kv.Value[1])), StringComparer.Ordinal);

    public void Dispose() => _listener.Dispose();
}
