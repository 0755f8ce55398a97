using Approvals.Bench.Engine.Diagnostics;
using Approvals.Bench.Engine.Scenarios;
using Approvals.Bench.Shared;

namespace Approvals.Bench.Engine;

/// <summary>
/// <c>engine</c>: runs every engine scenario (or those named), one fresh host and task hub each, then prints the
/// table and writes it to <c>artifacts/bench-engine.md</c>. Exit code 0 when every target is met, 1 when one is
/// missed, 2 when a scenario could not run.
/// </summary>
internal static class EngineBench
{
    private static readonly IEngineScenario[] Scenarios =
    [
        new FanOutScenario(),
        new SequentialScenario(),
        new EventsScenario(),
        new LatencyScenario(),
        new IdleScenario(),
    ];

    public static IEnumerable<string> Names => Scenarios.Select(s => s.Name);

    public static bool Has(string name) => Scenarios.Any(s => s.Name == name);

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        // --storage <connection string>: e.g. a private in-memory Azurite on other ports.
        var at = Array.IndexOf(args, "--storage");
        if (at >= 0 && at + 1 < args.Length)
        {
            BenchHost.Azurite = args[at + 1];
            StorageCallRecorder.UseEndpoints(args[at + 1]);
        }

        var names = at >= 0 ? args[..at].Concat(args[Math.Min(at + 2, args.Length)..]).ToArray() : args;
        var unknown = names.Where(n => !Has(n)).ToList();
        if (unknown.Count > 0)
        {
            await Console.Error.WriteLineAsync($"Unknown engine scenario(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", Names)}.");
            return 2;
        }

        var selected = names.Length == 0 ? Scenarios : Scenarios.Where(s => names.Contains(s.Name)).ToArray();
        Console.WriteLine($"Engine benchmark against Azurite: {string.Join(", ", selected.Select(s => s.Name))}");
        Console.WriteLine($"  {Machine.Describe()}");
        if (Machine.AzuriteTableDb() is { } db)
        {
            Console.WriteLine($"  {db}");
        }

        Console.WriteLine($"  host: in-process, {BenchHost.PartitionCount} partitions, {BenchHost.MaxConcurrentActivities} concurrent activities, workstation GC");

        using var calls = new StorageCallRecorder();
        using var meter = new EngineMeter();
        var rows = new List<BenchRow>();
        var notes = new List<string>();
        var errors = 0;
        foreach (var scenario in selected)
        {
            // Each scenario starts from a collected heap, not the previous one's garbage.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            var run = new ScenarioRun(scenario.Name, calls, meter);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(scenario.Timeout);
            try
            {
                var result = await scenario.RunAsync(run, timeout.Token);
                rows.AddRange(result);
                foreach (var r in result)
                {
                    run.Log.Say($"{r.Measured} — {r.PassText}");
                }
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                errors++;
                var why = timeout.IsCancellationRequested ? $"timed out after {scenario.Timeout.TotalMinutes:0} min" : $"{e.GetType().Name}: {e.Message}";
                run.Log.Say($"FAILED: {why}");
                rows.Add(new BenchRow(scenario.Name, "–", $"error: {why}", "–", false));
            }

            notes.Add($"## {scenario.Name}\n\n```\n{string.Join("", run.Details).TrimEnd()}\n```");
        }

        var table = BenchReport.Table(rows);
        Console.WriteLine();
        Console.WriteLine(table);
        var path = await BenchReport.WriteAsync("bench-engine.md", "Engine benchmark", rows, notes, ct);
        Console.WriteLine($"Written to {path}");
        return errors > 0 ? 2 : rows.Any(r => r.Pass == false) ? 1 : 0;
    }
}
