using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approvals.Bench.Shared;
using Approvals.Pipeline.Storage;
using Approvals.Pipeline.Departments;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Bench.Pipeline;

/// <summary>
/// <c>pipeline</c>: cases × 4 departments end to end over HTTP, after 100 whole warm-up cases (not measured: the
/// figures are a running host's, not a fresh process's). Each department learns of its task by the app's signed
/// webhook and answers with a signed approval callback; each case is followed until its licence is issued. Two
/// measured rounds of 200 cases, each prepared first (drafts with materials):
/// <list type="bullet">
/// <item><b>capacity</b>: all 200 submitted at once (16 at a time) — how fast the pipeline drains a burst, in
/// cases/s from the first submit to the last licence (the ≥ 10 cases/s target);</item>
/// <item><b>latency</b>: 200 submitted at 10 cases/s whatever the answers take (open loop; <c>--rate n</c> changes
/// it) — callback → visible in <c>GET /api/applications/{id}</c> at the target load (the p99 ≤ 250 ms target).
/// Under a burst every request waits behind the backlog, so the latency target is measured where the load is the
/// target rate, and the round must keep up with it (its last licence issued within 3 s of its last submit).</item>
/// </list>
/// Prints both rounds' latencies, storage round-trips and CPU per case (this process and the emulator), and a
/// machine speed probe before each round: the VM's speed moves by half between minutes.
/// </summary>
internal static class PipelineBench
{
    private const double TargetCasesPerSecond = 10;
    private const double TargetVisibleP99Ms = 250;
    private static readonly TimeSpan KeptUpWithin = TimeSpan.FromSeconds(3);

    private static int RegisterPollMs { get; set; } = 250;

    /// <summary>Case id by case number (the register shows numbers), for every draft the benchmark made.</summary>
    private static readonly ConcurrentDictionary<string, string> CaseIds = new(StringComparer.Ordinal);

    private static int? IntOption(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var cases = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var n) ? n : 200;
        // --storage <connection string>: e.g. a private in-memory Azurite on other ports, away from a shared one's autosave stalls.
        var at = Array.IndexOf(args, "--storage");
        var storage = at >= 0 && at + 1 < args.Length ? args[at + 1] : "UseDevelopmentStorage=true";
        // For experiments only (the published figures use the defaults): --workers <n> department workers (32),
        // --register-ms <ms> pause between the harness's reads of the public register, which tell it which cases are issued (250).
        var workers = IntOption(args, "--workers") ?? 32;
        RegisterPollMs = IntOption(args, "--register-ms") ?? 250;
        // --warmup <n>: whole cases run before the measured rounds (not counted), 100 by default.
        var warmup = IntOption(args, "--warmup") ?? 100;
        // --rate <cases/s>: the latency round's open-loop submission rate, the target's 10 by default.
        var rate = IntOption(args, "--rate") ?? (int)TargetCasesPerSecond;
        // --callers: also break the storage calls down by the app or engine code that made them (slower: a stack trace each).
        Approvals.Bench.Diagnostics.StorageCallRecorder.AttributeCallers = args.Contains("--callers");
        var log = new Progress("pipeline");
        Console.WriteLine($"Pipeline benchmark against Azurite: {cases} cases × {BenchApp.Departments.Length} departments, signed callbacks, "
            + $"after {warmup} warm-up cases; round 1 submits all at once, round 2 at {rate} cases/s");
        Console.WriteLine($"  {Machine.Describe()}, {(System.Runtime.GCSettings.IsServerGC ? "Server" : "Workstation")} GC");
        if (storage != "UseDevelopmentStorage=true")
        {
            Console.WriteLine("  storage: " + storage.Split(';').FirstOrDefault(p => p.StartsWith("TableEndpoint", StringComparison.OrdinalIgnoreCase)));
        }
        else if (Machine.AzuriteTableDb() is { } db)
        {
            Console.WriteLine($"  {db}");
        }

        Approvals.Bench.Diagnostics.StorageCallRecorder.UseEndpoints(storage);
        await using var departments = new DepartmentSimulator();
        await departments.StartAsync(ct);
        BenchApp.SetContentRoot();
        await using var app = new BenchApp(departments.BaseUrl, storage);
        using var warm = app.CreateClient();
        var counter = app.Services.GetRequiredService<StorageConnection>().RequestCounter;
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = warm.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BenchApp.Token("bench-applicant"));
        (await http.GetAsync(new Uri("/api/licence-types", UriKind.Relative), ct)).EnsureSuccessStatusCode();

        var rounds = new RoundHolder();
        var answering = Task.WhenAll(Enumerable.Range(0, workers).Select(_ => AnswerAsync(departments, http, rounds, ct)));
        if (workers != 32 || RegisterPollMs != 250)
        {
            Console.WriteLine($"  experiment: {workers} department workers, register read every {RegisterPollMs} ms");
        }

        // Warm-up (not timed): a few whole cases first, so the figures are those of a host that has run before — a
        // fresh process spends a quarter of its CPU in the JIT re-compiling hot methods during its first minute.
        if (warmup > 0)
        {
            var warmIds = await PrepareAllAsync(http, warmup, ct);
            var warmRun = rounds.Current = new RunState(warmup) { Clock = Stopwatch.StartNew() };
            var watchingWarmUp = WatchRegisterAsync(http, warmRun, ct);
            await SubmitAllAsync(http, warmRun, warmIds, 0, ct);
            if (!await WaitIssuedAsync(app, http, warmRun, warmIds, log, departments, ct))
            {
                return 2;
            }

            await watchingWarmUp;
            log.Say($"warm-up: {warmup} cases issued in {warmRun.Clock.Elapsed.TotalSeconds:0.0}s (not measured)");
        }

        var capacity = await RunRoundAsync("capacity", 0, app, http, counter, rounds, departments, cases, log, ct);
        var latency = capacity is null ? null : await RunRoundAsync("latency", rate, app, http, counter, rounds, departments, cases, log, ct);
        departments.Tasks.Writer.TryComplete();
        await answering;
        if (capacity is null || latency is null)
        {
            return 2;
        }

        var keptUp = latency.LastIssuedAfterLastSubmit <= KeptUpWithin;
        var rows = new List<BenchRow>
        {
            new($"{cases} cases × 4 departments, all submitted at once: submit → licence issued", $"≥ {TargetCasesPerSecond} cases/s",
                $"{capacity.CasesPerSecond:0.0} cases/s ({capacity.Elapsed.TotalSeconds:0.0} s)", $"{capacity.PipelinePerCase:0.0} per case", capacity.CasesPerSecond >= TargetCasesPerSecond),
            new($"callback → visible in GET /api/applications/{{id}}, {cases} cases submitted at {rate}/s", $"p99 ≤ {TargetVisibleP99Ms} ms at ≥ {TargetCasesPerSecond}/s, kept up",
                $"p50 {Pct(latency.Visible, 50):0} ms, p99 {Pct(latency.Visible, 99):0} ms (n={latency.Visible.Count}); last licence {latency.LastIssuedAfterLastSubmit.TotalSeconds:0.0} s after the last submit",
                $"{latency.PipelinePerCase:0.0} per case", rate >= TargetCasesPerSecond && keptUp && Pct(latency.Visible, 99) <= TargetVisibleP99Ms),
            new("callback → visible, during the all-at-once burst (queued behind it)", "–", $"p50 {Pct(capacity.Visible, 50):0} ms, p99 {Pct(capacity.Visible, 99):0} ms", "–", null),
            new("submit → licence issued, per case: burst / at the rate", "–",
                $"p50 {Pct(capacity.Issued, 50):0} / {Pct(latency.Issued, 50):0} ms, p99 {Pct(capacity.Issued, 99):0} / {Pct(latency.Issued, 99):0} ms", "–", null),
            new("signed callback answered (202): burst / at the rate", "–",
                $"p50 {Pct(capacity.Callbacks, 50):0} / {Pct(latency.Callbacks, 50):0} ms, p99 {Pct(capacity.Callbacks, 99):0} / {Pct(latency.Callbacks, 99):0} ms", "–", null),
        };
        Console.WriteLine();
        Console.WriteLine(BenchReport.Table(rows));
        var notes = new[] { capacity.Breakdown, latency.Breakdown };
        foreach (var note in notes)
        {
            Console.WriteLine(note);
        }

        var path = await BenchReport.WriteAsync("bench-pipeline.md", "Pipeline benchmark", rows, notes, ct);
        Console.WriteLine($"written to {path}");
        return rows.Any(r => r.Pass == false) ? 1 : 0;
    }

    /// <summary>Prepares a round's drafts (not timed), submits them (all at once when <paramref name="rate"/> is 0) and follows them until issued.</summary>
    private static async Task<RoundResult?> RunRoundAsync(
        string name, int rate, BenchApp app, HttpClient http, Approvals.Pipeline.Storage.StorageRequestCounter counter, RoundHolder rounds,
        DepartmentSimulator departments, int cases, Progress log, CancellationToken ct)
    {
        var probe = Machine.SpeedProbe();
        var setupStart = counter.Snapshot();
        var ids = await PrepareAllAsync(http, cases, ct);
        var setupEnd = counter.Snapshot();
        log.Say($"{name}: {cases} drafts with materials prepared ({Total(setupStart, setupEnd) / (double)cases:0.0} storage requests per draft); speed probe CPU {probe.Cpu:0} ms, loopback {probe.Loopback:0} ms");

        using var calls = new Approvals.Bench.Diagnostics.StorageCallRecorder();
        Approvals.Bench.Diagnostics.StorageCallRecorder.Callers.Clear();
        var exceptions = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        void CountException(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e) =>
            exceptions.AddOrUpdate(e.Exception is Azure.RequestFailedException r ? $"{r.GetType().Name} {r.Status} {r.ErrorCode}" : e.Exception.GetType().Name, 1, (_, n) => n + 1);
        AppDomain.CurrentDomain.FirstChanceException += CountException;
        var gcPause = GC.GetTotalPauseDuration();
        var cpu = Environment.CpuUsage.TotalTime;
        var azuriteCpu = Machine.AzuriteCpu(Approvals.Bench.Diagnostics.StorageCallRecorder.TablePort);
        var (jitTime, jitMethods) = (System.Runtime.JitInfo.GetCompilationTime(), System.Runtime.JitInfo.GetCompiledMethodCount());
        var run = new RunState(cases);
        var runStart = counter.Snapshot();
        calls.TakeSnapshot();
        var clock = Stopwatch.StartNew();
        run.Clock = clock; // before the first submit: early cases finish while later ones are still being submitted
        rounds.Current = run;
        var watching = WatchRegisterAsync(http, run, ct);
        await SubmitAllAsync(http, run, ids, rate, ct);
        var lastSubmit = clock.Elapsed;
        log.Say($"{name}: {cases} submitted in {lastSubmit.TotalSeconds:0.0}s");
        if (!await WaitIssuedAsync(app, http, run, ids, log, departments, ct))
        {
            return null;
        }

        var elapsed = clock.Elapsed;
        await watching;
        var runEnd = counter.Snapshot();
        var byOperation = calls.TakeSnapshot();
        AppDomain.CurrentDomain.FirstChanceException -= CountException;
        var processCpu = Environment.CpuUsage.TotalTime - cpu;
        var emulatorCpu = Machine.AzuriteCpu(Approvals.Bench.Diagnostics.StorageCallRecorder.TablePort) - azuriteCpu;
        (jitTime, jitMethods) = (System.Runtime.JitInfo.GetCompilationTime() - jitTime, System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethods);
        gcPause = GC.GetTotalPauseDuration() - gcPause;

        var after = Machine.SpeedProbe();
        var total = Total(runStart, runEnd);
        var sb = new System.Text.StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Round '{name}' ({(rate > 0 ? $"{rate} cases/s" : "all at once")}; speed probe before → after: CPU {probe.Cpu:0} → {after.Cpu:0} ms, loopback {probe.Loopback:0} → {after.Loopback:0} ms): {cases / elapsed.TotalSeconds:0.0} cases/s over {elapsed.TotalSeconds:0.0} s, last submit at {lastSubmit.TotalSeconds:0.0} s.");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  Storage requests per case: {total / (double)cases:0.0} in all ({Per(runStart, runEnd, cases)}), of which {run.OwnReads / (double)cases:0.0} are the benchmark's own reads (status point reads, register queries); "
            + $"{(total - run.OwnReads) / (double)cases:0.0} for the pipeline itself (submit, orchestrations, activities, callbacks, webhooks, issuance). Setup (draft + 2 uploads): {Total(setupStart, setupEnd) / (double)cases:0.0} per case.");
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"  CPU: Azurite {(emulatorCpu is { } e ? $"{e.TotalSeconds:0.0} s ({e.TotalMilliseconds / cases:0} ms per case)" : "not a local process")}, benchmark process (app, engine, departments, harness) {processCpu.TotalSeconds:0.0} s ({processCpu.TotalMilliseconds / cases:0} ms per case) of which JIT {jitTime.TotalSeconds:0.0} s ({jitMethods} methods compiled); "
            + $"GC pauses {gcPause.TotalMilliseconds:0} ms; first-chance exceptions (each await level that rethrows counts again): {(exceptions.IsEmpty ? "none" : string.Join(", ", exceptions.OrderByDescending(x => x.Value).Select(x => $"{x.Key} {x.Value}")))}.");
        // Every HTTP call of the round by operation (calls to the app and the departments appear as "(not storage)").
        sb.Append(Approvals.Bench.Diagnostics.StorageCallRecorder.Format(byOperation, cases, "case"));
        if (Approvals.Bench.Diagnostics.StorageCallRecorder.AttributeCallers)
        {
            sb.AppendLine("  Storage calls per case by calling code:");
            foreach (var (caller, count) in Approvals.Bench.Diagnostics.StorageCallRecorder.Callers.OrderByDescending(kv => kv.Value))
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"  {count / (double)cases,6:0.00}  {caller}");
            }
        }

        return new RoundResult(
            cases / elapsed.TotalSeconds, elapsed, elapsed - lastSubmit, (total - run.OwnReads) / (double)cases,
            [.. run.VisibleMs.Order()], [.. run.CallbackMs.Order()], [.. run.IssuedLatency.Select(t => t.TotalMilliseconds).Order()], sb.ToString().TrimEnd());
    }

    /// <summary>One measured round's figures; <c>Breakdown</c> is its printed report.</summary>
    private sealed record RoundResult(
        double CasesPerSecond, TimeSpan Elapsed, TimeSpan LastIssuedAfterLastSubmit, double PipelinePerCase,
        List<double> Visible, List<double> Callbacks, List<double> Issued, string Breakdown);

    private static async Task<string[]> PrepareAllAsync(HttpClient http, int cases, CancellationToken ct)
    {
        var ids = new string[cases];
        await Parallel.ForAsync(0, cases, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, c) => ids[i] = await PrepareAsync(http, c));
        return ids;
    }

    /// <summary>Submits the cases at <paramref name="rate"/> per second whatever the answers take (0: all at once, 16 at a time).</summary>
    private static async Task SubmitAllAsync(HttpClient http, RunState run, string[] ids, int rate, CancellationToken ct)
    {
        async Task SubmitAsync(string id, CancellationToken c)
        {
            run.SubmittedAt[id] = run.Clock!.Elapsed;
            (await http.PostAsync(new Uri($"/api/applications/{id}/submit", UriKind.Relative), null, c)).EnsureSuccessStatusCode();
        }

        if (rate <= 0)
        {
            await Parallel.ForAsync(0, ids.Length, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, c) => await SubmitAsync(ids[i], c));
            return;
        }

        var start = run.Clock!.Elapsed;
        var submits = new List<Task>(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            var wait = start + TimeSpan.FromSeconds(i / (double)rate) - run.Clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, ct);
            }

            submits.Add(SubmitAsync(ids[i], ct));
        }

        await Task.WhenAll(submits);
    }

    /// <summary>Waits until every case of the round is issued (3 minutes at most); false, after explaining, if some never are.</summary>
    private static async Task<bool> WaitIssuedAsync(BenchApp app, HttpClient http, RunState run, string[] ids, Progress log, DepartmentSimulator departments, CancellationToken ct)
    {
        await using (log.Every(TimeSpan.FromSeconds(2), () => $"webhooks {departments.Received}, decisions visible {run.VisibleMs.Count}, issued {run.Issued}, errors {run.Errors}"))
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromMinutes(3));
            try
            {
                await run.AllIssued.Task.WaitAsync(timeout.Token);
                return true;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                await ExplainStuckAsync(app, http, run, ids);
                return false;
            }
        }
    }

    private static async Task ExplainStuckAsync(BenchApp app, HttpClient http, RunState run, string[] ids)
    {
        var engine = app.Services.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>();
        foreach (var id in ids.Where(i => !run.IssuedIds.ContainsKey(i)).Take(5))
        {
            var view = await http.GetFromJsonAsync<JsonObject>(new Uri($"/api/applications/{id}", UriKind.Relative));
            var meta = await engine.GetInstanceAsync(id, true);
            Console.Error.WriteLine($"stuck {id}: {view?["status"]}, instance {meta?.RuntimeStatus} {meta?.FailureDetails?.ErrorMessage}");
        }
    }

    private static async Task<string> PrepareAsync(HttpClient http, CancellationToken ct)
    {
        var response = await http.PostAsJsonAsync(new Uri("/api/applications", UriKind.Relative), new
        {
            licenceTypeId = BenchApp.TypeId,
            applicant = new { name = "压测餐饮管理有限公司", idNumber = "91310000MA1FL0000X", phone = "13800138000" },
            form = new { scope = "热食类食品制售" },
        }, ct);
        response.EnsureSuccessStatusCode();
        var created = (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!;
        var id = created["id"]!.GetValue<string>();
        CaseIds[created["number"]!.GetValue<string>()] = id;
        await UploadAsync(http, id, "application-form", "application/pdf", "%PDF-1.7\n"u8.ToArray(), ct);
        await UploadAsync(http, id, "site-photo", "image/png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], ct);
        return id;
    }

    private static async Task UploadAsync(HttpClient http, string id, string material, string type, byte[] header, CancellationToken ct)
    {
        var bytes = new byte[16 * 1024];
        header.CopyTo(bytes, 0);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        content.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = material };
        (await http.PutAsync(new Uri($"/api/applications/{id}/materials/{material}", UriKind.Relative), content, ct)).EnsureSuccessStatusCode();
    }

    /// <summary>A department worker: signs and sends the approval, then reads the case until the decision shows.</summary>
    private static async Task AnswerAsync(DepartmentSimulator departments, HttpClient http, RoundHolder rounds, CancellationToken ct)
    {
        await foreach (var task in departments.Tasks.Reader.ReadAllAsync(ct))
        {
            var run = rounds.Current!;
            try
            {
                await AnswerOneAsync(http, run, task, ct);
            }
            catch (Exception e) when (e is HttpRequestException or JsonException)
            {
                Interlocked.Increment(ref run.Errors);
                Console.Error.WriteLine($"  {task.DepartmentId} on {task.CaseId}: {e.Message}");
            }
        }
    }

    private static async Task AnswerOneAsync(HttpClient http, RunState run, NotifiedTask task, CancellationToken ct)
    {
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new { taskId = task.TaskId, decision = "approve", officer = "压测", comment = "同意" });
            var id = "msg_" + Guid.NewGuid().ToString("N");
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/applications/{task.CaseId}/departments/{task.DepartmentId}/decision", UriKind.Relative))
            {
                Content = new ByteArrayContent(body),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("webhook-id", id);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", WebhookSignature.Sign(WebhookSignature.SecretBytes(BenchApp.SecretOf(task.DepartmentId)), id, timestamp, body));
            var sent = Stopwatch.GetTimestamp();
            (await http.SendAsync(request, ct)).EnsureSuccessStatusCode();
            run.CallbackMs.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            while (true)
            {
                var view = await ReadAsync(http, run, task.CaseId, ct);
                var step = view["departments"]!.AsArray().First(d => d!["id"]!.GetValue<string>() == task.DepartmentId)!;
                if (step["status"]!.GetValue<string>() == "Approved")
                {
                    run.VisibleMs.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Learns which cases are issued from the public register (外网公示: a case is published once its licence is
    /// issued), read newest first every <see cref="RegisterPollMs"/> — one read for all cases instead of one per case,
    /// so the observer adds little load of its own. Ends when every case of the round is issued.
    /// </summary>
    private static async Task WatchRegisterAsync(HttpClient http, RunState run, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested && !run.AllIssued.Task.IsCompleted)
        {
            string? token = null;
            try
            {
                do
                {
                    Interlocked.Increment(ref run.OwnReads);
                    var page = (await http.GetFromJsonAsync<JsonObject>(new Uri("/api/public/register?pageSize=100" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)), UriKind.Relative), ct))!;
                    var fresh = 0;
                    foreach (var item in page["items"]!.AsArray())
                    {
                        if (CaseIds.TryGetValue(item!["caseNumber"]!.GetValue<string>(), out var id) && run.SubmittedAt.TryGetValue(id, out var submitted) && run.IssuedIds.TryAdd(id, true))
                        {
                            fresh++;
                            run.IssuedLatency.Add(run.Clock!.Elapsed - submitted);
                            if (Interlocked.Increment(ref run.Issued) == run.Cases)
                            {
                                run.AllIssued.TrySetResult();
                            }
                        }
                    }

                    // A whole page of new entries: older ones may be new too.
                    token = fresh == page["items"]!.AsArray().Count ? page["continuationToken"]?.GetValue<string>() : null;
                }
                while (token is not null);
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                Interlocked.Increment(ref run.Errors);
                Console.Error.WriteLine($"  reading the register: {e.GetType().Name}: {e.Message}");
            }

            await Task.Delay(RegisterPollMs, ct);
        }
    }

    private static async Task<JsonObject> ReadAsync(HttpClient http, RunState run, string caseId, CancellationToken ct)
    {
        Interlocked.Increment(ref run.OwnReads);
        return (await http.GetFromJsonAsync<JsonObject>(new Uri($"/api/applications/{caseId}", UriKind.Relative), ct))!;
    }

    private static long Total((long Tables, long Queues, long Blobs) a, (long Tables, long Queues, long Blobs) b) =>
        b.Tables - a.Tables + (b.Queues - a.Queues) + (b.Blobs - a.Blobs);

    private static string Per((long Tables, long Queues, long Blobs) a, (long Tables, long Queues, long Blobs) b, int n) =>
        string.Create(CultureInfo.InvariantCulture, $"tables {(b.Tables - a.Tables) / (double)n:0.0}, queues {(b.Queues - a.Queues) / (double)n:0.0}, blobs {(b.Blobs - a.Blobs) / (double)n:0.0}");

    private static double Pct(List<double> sorted, int p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];

    /// <summary>The round whose tasks the department workers are answering (warm-up, then the measured one).</summary>
    private sealed class RoundHolder
    {
        public volatile RunState? Current;
    }

    private sealed class RunState(int cases)
    {
        public readonly int Cases = cases;
        public long Issued;
        public long OwnReads;
        public long Errors;
        public Stopwatch? Clock;
        public ConcurrentDictionary<string, TimeSpan> SubmittedAt { get; } = new();
        public ConcurrentDictionary<string, bool> IssuedIds { get; } = new();
        public ConcurrentBag<double> VisibleMs { get; } = [];
        public ConcurrentBag<double> CallbackMs { get; } = [];
        public ConcurrentBag<TimeSpan> IssuedLatency { get; } = [];
        public TaskCompletionSource AllIssued { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
