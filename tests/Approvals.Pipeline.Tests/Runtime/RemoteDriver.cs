using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approvals.Pipeline.Departments;
using Approvals.Pipeline.Tests.Pipeline;

namespace Approvals.Pipeline.Tests.Runtime;

/// <summary>
/// Drives cases of the real catalogue's auto-accept type over HTTP against host processes that come and go: an
/// applicant, the departments' back offices (signed callbacks, retried with the same <c>webhook-id</c> until they
/// get an answer, as Standard Webhooks senders do) and a supervisor. A refused connection is a host that is down:
/// the caller tries again.
/// </summary>
internal sealed class RemoteDriver
{
    public const string Type = "public-venue-fire-safety";
    public static readonly string[] Departments = ["fire-rescue", "housing-construction", "public-security"];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, string> _webhookIds = new(StringComparer.Ordinal);

    // Callbacks sent without an answer (the host died under them): a back office retries those with the same
    // webhook-id until it gets one, even once the task has left the inbox (its claim may have committed).
    private readonly ConcurrentDictionary<(string CaseId, string Department, string TaskId), bool> _unanswered = new();

    /// <summary>The host to talk to; tests swap it when they replace a killed host.</summary>
    public Uri BaseAddress { get; set; } = new("http://127.0.0.1:1");

    public async Task<string> PrepareAsync()
    {
        using var http = Client("applicant", "applicant-runtime");
        var created = await http.PostAsJsonAsync("/api/applications", new
        {
            licenceTypeId = Type,
            applicant = new { name = "上海星光影城有限公司", idNumber = Driver.CompanyId, phone = "13800138000" },
            form = new { venueName = "星光影城", venueType = "影剧院", address = "上海市黄浦区南京东路1号", floorArea = 2400, capacity = 800 },
        });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        var type = (await http.GetFromJsonAsync<JsonObject>($"/api/licence-types/{Type}"))!;
        foreach (var m in type["materials"]!.AsArray().Where(m => m!["required"]!.GetValue<bool>()))
        {
            using var content = new ByteArrayContent(TestFiles.Pdf());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            content.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = "\"m.pdf\"" };
            var upload = await http.PutAsync($"/api/applications/{id}/materials/{m!["id"]!.GetValue<string>()}", content);
            upload.StatusCode.Should().Be(HttpStatusCode.Created, await upload.Content.ReadAsStringAsync());
        }

        return id;
    }

    public async Task SubmitAsync(string id)
    {
        using var http = Client("applicant", "applicant-runtime");
        var submit = await http.PostAsync($"/api/applications/{id}/submit", null);
        submit.StatusCode.Should().Be(HttpStatusCode.Accepted, await submit.Content.ReadAsStringAsync());
    }

    /// <summary>The case's status, or null when no host answers.</summary>
    public async Task<string?> StatusAsync(string id)
    {
        try
        {
            using var http = Client("applicant", "applicant-runtime");
            var view = await http.GetFromJsonAsync<JsonObject>($"/api/applications/{id}");
            return view!["status"]!.GetValue<string>();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>One pass over every department's inbox: approves each pending task. Returns the callbacks answered.</summary>
    public async Task<int> ApprovePendingAsync()
    {
        var answered = 0;
        foreach (var (caseId, department, taskId) in _unanswered.Keys.ToList())
        {
            try
            {
                await DecideAsync(caseId, department, taskId);
                _unanswered.TryRemove((caseId, department, taskId), out _);
                answered++;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Still down: the next pass tries again.
            }
        }

        foreach (var department in Departments)
        {
            try
            {
                using var officer = Client("officer", "officer-" + department, department);
                var tasks = await officer.GetFromJsonAsync<List<InboxTask>>($"/api/departments/{department}/tasks?status=pending", Json);
                foreach (var task in tasks!)
                {
                    _unanswered[(task.CaseId, department, task.TaskId)] = true;
                    await DecideAsync(task.CaseId, department, task.TaskId);
                    _unanswered.TryRemove((task.CaseId, department, task.TaskId), out _);
                    answered++;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // The host is down (killed): the next pass tries again, with the same webhook ids.
            }
        }

        return answered;
    }

    /// <summary>The case as the applicant sees it, for failure messages.</summary>
    public async Task<string> ViewAsync(string id)
    {
        try
        {
            using var http = Client("applicant", "applicant-runtime");
            return await http.GetStringAsync($"/api/applications/{id}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return e.Message;
        }
    }

    public async Task<JsonObject> TimelineAsync(string id)
    {
        using var http = Client("supervisor", "supervisor-runtime");
        return (await http.GetFromJsonAsync<JsonObject>($"/api/supervision/applications/{id}/timeline"))!;
    }

    private async Task DecideAsync(string caseId, string department, string taskId)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { taskId, decision = "approve", officer = "张三" }, Json);
        var webhookId = _webhookIds.GetOrAdd($"{caseId}/{department}/{taskId}", _ => "msg_" + Guid.NewGuid().ToString("N"));
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/applications/{caseId}/departments/{department}/decision")
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("webhook-id", webhookId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Sign(WebhookSignature.SecretBytes(PipelineApp.SecretOf(department)), webhookId, timestamp, body));
        using var http = Client(null, null);
        var answer = await http.SendAsync(request);
        answer.StatusCode.Should().BeOneOf([HttpStatusCode.Accepted, HttpStatusCode.Conflict], await answer.Content.ReadAsStringAsync());
    }

    private HttpClient Client(string? role, string? subject, string? department = null)
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (role is not null)
        {
            http.DefaultRequestHeaders.Authorization = new("Bearer", PipelineApp.Token(subject!, role, department));
        }

        return http;
    }
}
