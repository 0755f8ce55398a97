using System.Globalization;
using Approvals.Bench.Engine.Diagnostics;
using Approvals.Bench.Shared;

namespace Approvals.Bench.Engine;

/// <summary>What a scenario gets from the runner: progress output, the process-wide probes, and a place for details.</summary>
internal sealed class ScenarioRun(string name, StorageCallRecorder calls, EngineMeter meter)
{
    public Progress Log { get; } = new(name);

    public EngineMeter Meter => meter;

    public StorageCallRecorder Calls => calls;

    /// <summary>Breakdown lines for the report (storage calls by operation, episodes).</summary>
    public List<string> Details { get; } = [];

    public Measurement Begin(BenchHost host) => new(host, calls, meter);

    /// <summary>Prints and keeps the breakdown of a measured window, normalised per <paramref name="unit"/>.</summary>
    public void Explain(string title, Measured m, double units, string unit)
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"  {title}: {m.Elapsed.TotalSeconds:0.00} s, {m.Requests.Total} storage requests ({m.Requests.Per(units, unit)}), " +
            $"{m.Episodes} episodes ({m.Episodes / units:0.00}/{unit}, mean {(m.Episodes == 0 ? 0 : m.EpisodeTime.TotalMilliseconds / m.Episodes):0.0} ms), " +
            $"GC pauses {m.GcPause.TotalMilliseconds:0} ms ({m.Gen2Collections} gen2)\n" +
            $"  storage calls by operation (engine only):\n{StorageCallRecorder.Format(m.Calls, units, unit)}");
        Console.Write(text);
        Details.Add(text);
    }
}
