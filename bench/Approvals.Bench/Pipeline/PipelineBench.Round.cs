using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Approvals.Bench.Diagnostics;
using Approvals.Bench.Shared;
using Approvals.Pipeline.Runtime;
using Approvals.Pipeline.Storage;
using Azure.Storage.Queues;

namespace Approvals.Bench.Pipeline;

internal static partial class PipelineBench
{
    /// <summary>A probe read at least this slow means the emulator served nothing meanwhile.</summary>
    private const int StallMs = 500;

    /// <summary>
    /// Starts the round's own app (<see cref="BenchHost"/>), prepares its drafts (not timed), submits them (all at
    /// once when <paramref name="rate"/> is 0) and follows them until issued.
    /// </summary>
    private static async Task<RoundResult?> RunRoundAsync(
        string name, int rate, BenchOptions options, RoundHolder rounds, DepartmentSimulator departments, Progress log, CancellationToken ct)
    {
        await using var host = await BenchHost.StartAsync(options, departments.BaseUrl, ct);
        var (http, counter) = (host.Http, host.Counter);
        var cases = options.Cases;
        var probe = Machine.SpeedProbe();
        var setupStart = counter.Snapshot();
        var ids = await PrepareAllAsync(http, cases, ct);
        var setupEnd = counter.Snapshot();
        log.Say($"{name}: {cases} drafts with materials prepared ({Total(setupStart, setupEnd) / (double)cases:0.0} storage requests per draft); speed probe CPU {probe.Cpu:0} ms, loopback {probe.Loopback:0} ms");

        using var calls = new StorageCallRecorder();
        StorageCallRecorder.Callers.Clear();
        var exceptions = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        void CountException(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e) =>
            exceptions.AddOrUpdate(e.Exception is Azure.RequestFailedException r ? $"{r.GetType().Name} {r.Status} {r.ErrorCode}" : e.Exception.GetType().Name, 1, (_, n) => n + 1);
        AppDomain.CurrentDomain.FirstChanceException += CountException;
        var gcPause = GC.GetTotalPauseDuration();
        var cpu = Environment.CpuUsage.TotalTime;
        var azuriteCpu = Machine.AzuriteCpu(StorageCallRecorder.Ports);
        var (jitTime, jitMethods) = (System.Runtime.JitInfo.GetCompilationTime(), System.Runtime.JitInfo.GetCompiledMethodCount());
        var run = new RunState(cases, http);
        await using var tableStalls = AzuriteStallProbe.Tables(options.Storage, TimeSpan.FromMilliseconds(200), StallMs);
        await using var queueStalls = AzuriteStallProbe.Queues(options.Storage, TimeSpan.FromMilliseconds(200), StallMs);
        var runStart = counter.Snapshot();
        calls.TakeSnapshot();
        var clock = Stopwatch.StartNew();
        run.Clock = clock; // before the first submit: early cases finish while later ones are still being submitted
        rounds.Current = run;
        var watching = WatchRegisterAsync(http, run, options.RegisterMs, ct);
        await SubmitAllAsync(http, run, ids, rate, ct);
        var lastSubmit = clock.Elapsed;
        log.Say($"{name}: {cases} submitted in {lastSubmit.TotalSeconds:0.0}s");
        if (!await WaitIssuedAsync(host, run, ids, log, departments, ct))
        {
            return null;
        }

        var elapsed = clock.Elapsed;
        var stalled = (Tables: await tableStalls.StopAsync(), Queues: await queueStalls.StopAsync());
        await watching;
        var runEnd = counter.Snapshot();
        var byOperation = calls.TakeSnapshot();
        AppDomain.CurrentDomain.FirstChanceException -= CountException;
        var processCpu = Environment.CpuUsage.TotalTime - cpu;
        var emulatorCpu = Machine.AzuriteCpu(StorageCallRecorder.Ports)
            .Select(kv => (Services: kv.Key, Cpu: kv.Value - azuriteCpu.GetValueOrDefault(kv.Key))).ToList();
        var emulatorText = emulatorCpu.Count == 0 ? "not a local process" : string.Join(", ", emulatorCpu.Select(p =>
            string.Create(CultureInfo.InvariantCulture, $"{p.Services} {p.Cpu.TotalMilliseconds / cases:0} ms per case (busy {p.Cpu / elapsed:P0})")));
        (jitTime, jitMethods) = (System.Runtime.JitInfo.GetCompilationTime() - jitTime, System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethods);
        gcPause = GC.GetTotalPauseDuration() - gcPause;

        var resident = await ResidentMessagesAsync(options.Storage, host.Runtime);
        var after = Machine.SpeedProbe();
        var total = Total(runStart, runEnd);
        var pipeline = (total - run.OwnReads) / (double)cases;
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Round '{name}' ({(rate > 0 ? $"{rate} cases/s" : "all at once")}; speed probe before → after: CPU {probe.Cpu:0} → {after.Cpu:0} ms, loopback {probe.Loopback:0} → {after.Loopback:0} ms): {cases / elapsed.TotalSeconds:0.00} cases/s over {elapsed.TotalSeconds:0.0} s, last submit at {lastSubmit.TotalSeconds:0.0} s.");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  Storage requests per case: {total / (double)cases:0.0} in all ({Per(runStart, runEnd, cases)}), of which {run.OwnReads / (double)cases:0.0} are the benchmark's own reads (status point reads, register queries); "
            + $"{pipeline:0.0} for the pipeline itself (submit, orchestrations, activities, callbacks, webhooks, issuance, the runtime's polling). Setup (draft + 2 uploads): {Total(setupStart, setupEnd) / (double)cases:0.0} per case.");
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"  CPU: Azurite, one Node thread per process: {emulatorText}; benchmark process (app, Durable runtime, departments, harness) {processCpu.TotalSeconds:0.0} s ({processCpu.TotalMilliseconds / cases:0} ms per case, {processCpu / elapsed / Environment.ProcessorCount:P0} of the machine) of which JIT {jitTime.TotalSeconds:0.0} s ({jitMethods} methods compiled); "
            + $"GC pauses {gcPause.TotalMilliseconds:0} ms; first-chance exceptions (each await level that rethrows counts again): {(exceptions.IsEmpty ? "none" : string.Join(", ", exceptions.OrderByDescending(x => x.Value).Select(x => $"{x.Key} {x.Value}")))}.");
        static string Stalls(IReadOnlyList<double> ms) => ms.Count == 0 ? "none" : string.Create(CultureInfo.InvariantCulture, $"{ms.Count}, {ms.Sum() / 1000:0.0} s in all, the longest {ms.Max() / 1000:0.0} s");
        var stallText = $"tables {Stalls(stalled.Tables)}; queues {Stalls(stalled.Queues)}";
        sb.AppendLine(CultureInfo.InvariantCulture, $"  Messages left in the runtime's queues at the end (mostly durable timers due in days, which every Azurite queue request re-sorts): {resident}.");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  Azurite stalls (a probe request to each service every 200 ms taking ≥ {StallMs} ms): {stallText}.");
        // Every HTTP call of the round by operation (calls to the app and the departments appear as "(not storage)").
        sb.Append(StorageCallRecorder.Format(byOperation, cases, "case"));
        if (StorageCallRecorder.AttributeCallers)
        {
            sb.AppendLine("  Storage calls per case by calling code:");
            foreach (var (caller, count) in StorageCallRecorder.Callers.OrderByDescending(kv => kv.Value))
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"  {count / (double)cases,6:0.00}  {caller}");
            }
        }

        return new RoundResult(
            Describe(host.Runtime), cases / elapsed.TotalSeconds, elapsed, elapsed - lastSubmit, pipeline, Per(runStart, runEnd, cases),
            emulatorText, stallText,
            [.. run.VisibleMs.Order()], [.. run.CallbackMs.Order()], [.. run.IssuedLatency.Select(t => t.TotalMilliseconds).Order()],
            [.. run.IssuedAfterApproval.Select(t => t.TotalMilliseconds).Order()], sb.ToString().TrimEnd());
    }

    /// <summary>The approximate message counts of the task hub's control queues and work-item queue, as text.</summary>
    private static async Task<string> ResidentMessagesAsync(string storage, DurableRuntimeOptions runtime)
    {
        using var _ = StorageCallRecorder.Observing();
        var queues = new QueueServiceClient(storage);
        var control = 0L;
        foreach (var name in runtime.ControlQueueNames)
        {
            control += (await queues.GetQueueClient(name).GetPropertiesAsync()).Value.ApproximateMessagesCount;
        }

        var workItems = (await queues.GetQueueClient(runtime.HubName.ToLowerInvariant() + "-workitems").GetPropertiesAsync()).Value.ApproximateMessagesCount;
        return string.Create(CultureInfo.InvariantCulture, $"control {control}, work items {workItems}");
    }

    private static long Total((long Tables, long Queues, long Blobs) a, (long Tables, long Queues, long Blobs) b) =>
        b.Tables - a.Tables + (b.Queues - a.Queues) + (b.Blobs - a.Blobs);

    private static string Per((long Tables, long Queues, long Blobs) a, (long Tables, long Queues, long Blobs) b, int n) =>
        string.Create(CultureInfo.InvariantCulture, $"tables {(b.Tables - a.Tables) / (double)n:0.0}, queues {(b.Queues - a.Queues) / (double)n:0.0}, blobs {(b.Blobs - a.Blobs) / (double)n:0.0}");

    /// <summary>One measured round's figures (latencies sorted, in ms); <c>Breakdown</c> is its printed report.</summary>
    private sealed record RoundResult(
        string Runtime, double CasesPerSecond, TimeSpan Elapsed, TimeSpan LastIssuedAfterLastSubmit, double PipelinePerCase, string PerService,
        string AzuriteCpu, string Stalls,
        List<double> Visible, List<double> Callbacks, List<double> Issued, List<double> IssuedAfterApproval, string Breakdown);

    /// <summary>The round whose tasks the department workers are answering (warm-up, then the measured ones).</summary>
    private sealed class RoundHolder
    {
        public volatile RunState? Current;
    }

    private sealed class RunState(int cases, HttpClient http)
    {
        public readonly int Cases = cases;

        /// <summary>The round's app, as the departments call it back.</summary>
        public readonly HttpClient Http = http;
        public long Issued;
        public long OwnReads;
        public long Errors;
        public Stopwatch? Clock;
        public ConcurrentDictionary<string, TimeSpan> SubmittedAt { get; } = new();

        /// <summary>When the latest approval callback of each case was sent (round clock).</summary>
        public ConcurrentDictionary<string, TimeSpan> LastApprovalAt { get; } = new();
        public ConcurrentDictionary<string, bool> IssuedIds { get; } = new();
        public ConcurrentBag<double> VisibleMs { get; } = [];
        public ConcurrentBag<double> CallbackMs { get; } = [];
        public ConcurrentBag<TimeSpan> IssuedLatency { get; } = [];
        public ConcurrentBag<TimeSpan> IssuedAfterApproval { get; } = [];
        public TaskCompletionSource AllIssued { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
