using System.Diagnostics;
using System.Globalization;
using Approvals.Bench.Diagnostics;
using Approvals.Bench.Shared;
using Approvals.Pipeline.Runtime;

namespace Approvals.Bench.Pipeline;

/// <summary>
/// <c>pipeline</c>: cases × 4 departments end to end over HTTP, on the app's Durable runtime (DTFx over the Azure
/// Storage provider), after whole warm-up cases (not measured: the figures are a running host's, not a fresh
/// process's). Each department learns of its task by the app's signed webhook and answers with a signed approval
/// callback; each case is followed until its licence is issued. Two measured rounds, each prepared first (drafts
/// with materials):
/// <list type="bullet">
/// <item><b>capacity</b>: all cases submitted at once (16 at a time) — how fast the pipeline drains a burst, in
/// cases/s from the first submit to the last licence;</item>
/// <item><b>latency</b>: the cases submitted at a moderate rate whatever the answers take (open loop;
/// <c>--rate</c>) — callback → visible in <c>GET /api/applications/{id}</c> and the last department's approval →
/// licence issued, at a load the pipeline can carry. Under a burst every request waits behind the backlog, so the
/// latency targets are measured where the load is moderate, and the round must keep up with its rate.</item>
/// </list>
/// Prints both rounds' latencies, storage requests per case by service and by operation, CPU per case (this process
/// and the emulator) and a machine speed probe before and after each round: the VM's speed moves by half between
/// minutes, and other engineers' builds share its two cores.
/// </summary>
internal static partial class PipelineBench
{
    private const double TargetCasesPerSecond = 3;
    private const double TargetVisibleP99Ms = 250;
    private const double TargetIssuedAfterApprovalP99Ms = 3000;

    /// <summary>A latency round keeps up when it issues licences at ≥ this share of its submission rate.</summary>
    private const double KeptUpShare = 0.9;

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        if (BenchOptions.Parse(args) is not { } options)
        {
            return 2;
        }

        var log = new Progress("pipeline");
        Console.WriteLine($"Pipeline benchmark against Azurite: {options.Cases} cases × {BenchApp.Departments.Length} departments, signed callbacks, "
            + $"after {options.Warmup} warm-up cases; round 1 submits all at once, round 2 at {options.Rate} cases/s");
        Console.WriteLine($"  {Machine.Describe()}, {(System.Runtime.GCSettings.IsServerGC ? "Server" : "Workstation")} GC");
        if (options.Storage != "UseDevelopmentStorage=true")
        {
            Console.WriteLine("  storage: " + options.Storage.Split(';').FirstOrDefault(p => p.StartsWith("TableEndpoint", StringComparison.OrdinalIgnoreCase)));
        }
        else if (Machine.AzuriteTableDb() is { } db)
        {
            Console.WriteLine($"  {db}");
        }

        StorageCallRecorder.AttributeCallers = options.Callers;
        StorageCallRecorder.UseEndpoints(options.Storage);
        await using var departments = new DepartmentSimulator();
        await departments.StartAsync(ct);
        BenchApp.SetContentRoot();
        var rounds = new RoundHolder();
        var answering = Task.WhenAll(Enumerable.Range(0, options.Workers).Select(_ => AnswerAsync(departments, rounds, ct)));
        if (options.Workers != 32 || options.RegisterMs != 100)
        {
            Console.WriteLine($"  experiment: {options.Workers} department workers, register read every {options.RegisterMs} ms");
        }

        // Warm-up (not timed): whole cases first, so the figures are those of a process that has run before — a
        // fresh one spends much of its CPU in the JIT during its first minute. Its app and storage go before round 1.
        string? runtime = null;
        if (options.Warmup > 0)
        {
            await using var warm = await BenchHost.StartAsync(options, departments.BaseUrl, ct);
            runtime = Describe(warm.Runtime);
            Console.WriteLine($"  Durable runtime: {runtime}{(options.Durable.Count > 0 ? " (experiment: " + string.Join(", ", options.Durable.Select(kv => $"{kv.Key}={kv.Value}")) + ")" : "")}");
            var warmIds = await PrepareAllAsync(warm.Http, options.Warmup, ct);
            var warmRun = rounds.Current = new RunState(options.Warmup, warm.Http) { Clock = Stopwatch.StartNew() };
            var watchingWarmUp = WatchRegisterAsync(warm.Http, warmRun, options.RegisterMs, ct);
            await SubmitAllAsync(warm.Http, warmRun, warmIds, 0, ct);
            if (!await WaitIssuedAsync(warm, warmRun, warmIds, log, departments, ct))
            {
                return 2;
            }

            await watchingWarmUp;
            log.Say($"warm-up: {options.Warmup} cases issued in {warmRun.Clock.Elapsed.TotalSeconds:0.0}s (not measured)");
        }

        var capacity = await RunRoundAsync("capacity", 0, options, rounds, departments, log, ct);
        var latency = capacity is null ? null : await RunRoundAsync("latency", options.Rate, options, rounds, departments, log, ct);
        departments.Tasks.Writer.TryComplete();
        await answering;
        if (capacity is null || latency is null)
        {
            return 2;
        }

        runtime = capacity.Runtime;
        var rows = Rows(options, capacity, latency);
        Console.WriteLine();
        Console.WriteLine(BenchReport.Table(rows));
        string[] notes = [$"Durable runtime: {runtime}", capacity.Breakdown, latency.Breakdown];
        foreach (var note in notes)
        {
            Console.WriteLine(note);
        }

        var path = await BenchReport.WriteAsync("bench-pipeline.md", "Pipeline benchmark", rows, notes, ct);
        Console.WriteLine($"written to {path}");
        return rows.Any(r => r.Pass == false) ? 1 : 0;
    }

    private static List<BenchRow> Rows(BenchOptions options, RoundResult capacity, RoundResult latency)
    {
        var (cases, rate) = (options.Cases, options.Rate);
        var keptUp = latency.CasesPerSecond >= KeptUpShare * rate;
        var keptUpText = $"{latency.CasesPerSecond:0.00} cases/s issued, last licence {latency.LastIssuedAfterLastSubmit.TotalSeconds:0.0} s after the last submit";
        return
        [
            new($"{cases} cases × 4 departments, all submitted at once: submit → licence issued", $"≥ {TargetCasesPerSecond} cases/s",
                $"{capacity.CasesPerSecond:0.00} cases/s ({capacity.Elapsed.TotalSeconds:0.0} s)", $"{capacity.PipelinePerCase:0} per case", capacity.CasesPerSecond >= TargetCasesPerSecond),
            new($"callback → visible in GET /api/applications/{{id}}, {cases} cases submitted at {rate}/s", $"p99 ≤ {TargetVisibleP99Ms} ms, kept up",
                $"p50 {Pct(latency.Visible, 50):0} ms, p99 {Pct(latency.Visible, 99):0} ms (n={latency.Visible.Count}); {keptUpText}",
                $"{latency.PipelinePerCase:0} per case", keptUp && Pct(latency.Visible, 99) <= TargetVisibleP99Ms),
            new($"last department's approval → licence issued, at {rate}/s", $"p99 ≤ {TargetIssuedAfterApprovalP99Ms / 1000:0} s",
                $"p50 {Pct(latency.IssuedAfterApproval, 50):0} ms, p99 {Pct(latency.IssuedAfterApproval, 99):0} ms (register read every {options.RegisterMs} ms)", "–",
                keptUp && Pct(latency.IssuedAfterApproval, 99) <= TargetIssuedAfterApprovalP99Ms),
            new("storage requests per case by service: at the rate / all at once", "report",
                $"{latency.PerService} / {capacity.PerService}", $"{latency.PipelinePerCase:0} / {capacity.PipelinePerCase:0}", null),
            new("callback → visible, during the all-at-once burst (queued behind it)", "–", $"p50 {Pct(capacity.Visible, 50):0} ms, p99 {Pct(capacity.Visible, 99):0} ms", "–", null),
            new("last department's approval → licence issued, during the burst", "–",
                $"p50 {Pct(capacity.IssuedAfterApproval, 50):0} ms, p99 {Pct(capacity.IssuedAfterApproval, 99):0} ms", "–", null),
            new("submit → licence issued, per case: at the rate / burst", "–",
                $"p50 {Pct(latency.Issued, 50):0} / {Pct(capacity.Issued, 50):0} ms, p99 {Pct(latency.Issued, 99):0} / {Pct(capacity.Issued, 99):0} ms", "–", null),
            new("signed callback answered (202): at the rate / burst", "–",
                $"p50 {Pct(latency.Callbacks, 50):0} / {Pct(capacity.Callbacks, 50):0} ms, p99 {Pct(latency.Callbacks, 99):0} / {Pct(capacity.Callbacks, 99):0} ms", "–", null),
            new("Azurite CPU per case and busy share of each process's one Node thread: at the rate / burst", "–",
                $"{latency.AzuriteCpu} / {capacity.AzuriteCpu}", "–", null),
            new($"Azurite stalls (≥ {StallMs} ms): at the rate / burst", "–", $"{latency.Stalls} / {capacity.Stalls}", "–", null),
        ];
    }

    private static string Describe(DurableRuntimeOptions o) => string.Create(CultureInfo.InvariantCulture,
        $"{o.PartitionCount} partitions, MaxQueuePollingInterval {o.MaxQueuePollingInterval.TotalSeconds:0.###} s, ControlQueueBatchSize {o.ControlQueueBatchSize}, "
        + $"MaxConcurrentActivityFunctions {o.MaxConcurrentActivityFunctions}, MaxConcurrentOrchestratorFunctions {o.MaxConcurrentOrchestratorFunctions}, "
        + $"extended sessions {(o.ExtendedSessionsEnabled ? $"on ({o.ExtendedSessionIdleTimeoutInSeconds} s idle)" : "off")}");

    internal static double Pct(List<double> sorted, int p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];
}
