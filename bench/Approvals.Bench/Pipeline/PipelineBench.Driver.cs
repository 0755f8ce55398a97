using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approvals.Bench.Shared;
using Approvals.Pipeline.Departments;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Bench.Pipeline;

/// <summary>The simulated applicants, departments and observer: what the benchmark does over HTTP.</summary>
internal static partial class PipelineBench
{
    /// <summary>Case id by case number (the register shows numbers), for every draft the benchmark made.</summary>
    private static readonly ConcurrentDictionary<string, string> CaseIds = new(StringComparer.Ordinal);

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
    private static async Task<bool> WaitIssuedAsync(BenchHost host, RunState run, string[] ids, Progress log, DepartmentSimulator departments, CancellationToken ct)
    {
        await using (log.Every(TimeSpan.FromSeconds(5), () => $"webhooks {departments.Received}, decisions visible {run.VisibleMs.Count}, issued {run.Issued}, errors {run.Errors}"))
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
                await ExplainStuckAsync(host, run, ids);
                return false;
            }
        }
    }

    private static async Task ExplainStuckAsync(BenchHost host, RunState run, string[] ids)
    {
        var client = host.App.Services.GetRequiredService<DurableTaskClient>();
        foreach (var id in ids.Where(i => !run.IssuedIds.ContainsKey(i)).Take(5))
        {
            var view = await host.Http.GetFromJsonAsync<JsonObject>(new Uri($"/api/applications/{id}", UriKind.Relative));
            var meta = await client.GetInstanceAsync(id, true);
            Console.Error.WriteLine($"stuck {id}: {view?["status"]}, instance {meta?.RuntimeStatus} {meta?.FailureDetails?.ErrorMessage}");
        }
    }

    private static async Task<string> PrepareAsync(HttpClient http, CancellationToken ct)
    {
        var response = await http.PostAsJsonAsync(new Uri("/api/applications", UriKind.Relative), new
        {
            licenceTypeId = BenchApp.TypeId,
            // A valid unified social credit code (GB 32100 check character N): drafts are validated at the edge.
            applicant = new { name = "压测餐饮管理有限公司", idNumber = "91310000MA1FL0000N", phone = "13800138000" },
            form = new { scope = "热食类食品制售", address = "上海市黄浦区南京东路1号" },
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
    private static async Task AnswerAsync(DepartmentSimulator departments, RoundHolder rounds, CancellationToken ct)
    {
        await foreach (var task in departments.Tasks.Reader.ReadAllAsync(ct))
        {
            var run = rounds.Current!;
            try
            {
                await AnswerOneAsync(run.Http, run, task, ct);
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
        var sentAt = run.Clock!.Elapsed;
        run.LastApprovalAt.AddOrUpdate(task.CaseId, sentAt, (_, earlier) => earlier > sentAt ? earlier : sentAt);
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

    /// <summary>
    /// Learns which cases are issued from the public register (外网公示: a case is published by the same activity that
    /// issues its licence), read newest first every <paramref name="pauseMs"/> — one read for all cases instead of one
    /// per case, so the observer adds little load of its own. A case counts as issued when the read that first shows
    /// it returns (an upper bound: it was published at most one pause plus one read earlier). Ends when every case of
    /// the round is issued.
    /// </summary>
    private static async Task WatchRegisterAsync(HttpClient http, RunState run, int pauseMs, CancellationToken ct)
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
                    var seenAt = run.Clock!.Elapsed;
                    var fresh = 0;
                    foreach (var item in page["items"]!.AsArray())
                    {
                        if (CaseIds.TryGetValue(item!["caseNumber"]!.GetValue<string>(), out var id) && run.SubmittedAt.TryGetValue(id, out var submitted) && run.IssuedIds.TryAdd(id, true))
                        {
                            fresh++;
                            run.IssuedLatency.Add(seenAt - submitted);
                            if (run.LastApprovalAt.TryGetValue(id, out var approved))
                            {
                                run.IssuedAfterApproval.Add(seenAt - approved);
                            }

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

            await Task.Delay(pauseMs, ct);
        }
    }

    private static async Task<JsonObject> ReadAsync(HttpClient http, RunState run, string caseId, CancellationToken ct)
    {
        Interlocked.Increment(ref run.OwnReads);
        return (await http.GetFromJsonAsync<JsonObject>(new Uri($"/api/applications/{caseId}", UriKind.Relative), ct))!;
    }
}
