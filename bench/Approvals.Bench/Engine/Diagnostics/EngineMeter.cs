using System.Diagnostics.Metrics;

namespace Approvals.Bench.Engine.Diagnostics;

/// <summary>Listens to the engine's <c>Approvals.Durable</c> meter: episodes committed and their duration, activities run.</summary>
internal sealed class EngineMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _episodes;
    private long _episodeMicros;
    private long _activities;

    public EngineMeter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Approvals.Durable" && instrument.Name is "durable.episodes" or "durable.episode.duration" or "durable.activities")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "durable.episodes")
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

    public void Dispose() => _listener.Dispose();
}
