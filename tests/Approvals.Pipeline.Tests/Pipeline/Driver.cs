using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approvals.Pipeline.Departments;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Pipeline.Tests.Pipeline;

/// <summary>Drives cases through the HTTP API like an applicant, a department system and an officer would.</summary>
internal sealed class Driver(PipelineApp app, string subject = "applicant-1")
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public HttpClient Http { get; } = app.Applicant(subject);

    public PipelineApp App => app;

    /// <summary>A valid unified social credit code (GB 32100 check character N): the default applicant is a company.</summary>
    public const string CompanyId = "91310000MA1FL0000N";

    /// <summary>A valid resident ID number (GB 11643's own example, check character X).</summary>
    public const string PersonId = "11010519491231002X";

    public async Task<string> CreateDraftAsync(string type = TestCatalogue.AutoType, string? idempotencyKey = null, string name = "上海味道餐饮管理有限公司", string idNumber = CompanyId)
    {
        var response = await PostDraftAsync(type, idempotencyKey, name, idNumber);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }

    public async Task<HttpResponseMessage> PostDraftAsync(string type, string? idempotencyKey = null, string name = "上海味道餐饮管理有限公司", string idNumber = CompanyId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/applications")
        {
            Content = JsonContent.Create(new
            {
                licenceTypeId = type,
                applicant = new { name, idNumber, phone = "13800138000", email = "a@example.cn" },
                form = new { scope = "热食类食品制售", address = "上海市黄浦区南京东路1号" },
            }),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await Http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> UploadAsync(string caseId, string materialId, HttpContent content, string contentType, string fileName = "file.pdf")
    {
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        content.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = "\"" + fileName + "\"" };
        return await Http.PutAsync($"/api/applications/{caseId}/materials/{materialId}", content);
    }

    public Task<HttpResponseMessage> UploadAsync(string caseId, string materialId, byte[] bytes, string contentType, string fileName = "file.pdf") =>
        UploadAsync(caseId, materialId, new ByteArrayContent(bytes), contentType, fileName);

    /// <summary>A draft with every required material of the auto-accept type, submitted.</summary>
    public async Task<string> SubmitCompleteCaseAsync(string type = TestCatalogue.AutoType, string name = "上海味道餐饮管理有限公司", string idNumber = CompanyId)
    {
        var id = await CreateDraftAsync(type, null, name, idNumber);
        (await UploadAsync(id, "application-form", TestFiles.Pdf(), "application/pdf", "申请书.pdf")).StatusCode.Should().Be(HttpStatusCode.Created);
        if (type == TestCatalogue.AutoType)
        {
            (await UploadAsync(id, "site-photo", TestFiles.Png(), "image/png", "photo.png")).StatusCode.Should().Be(HttpStatusCode.Created);
        }

        var submit = await Http.PostAsync($"/api/applications/{id}/submit", null);
        submit.StatusCode.Should().Be(HttpStatusCode.Accepted, await submit.Content.ReadAsStringAsync());
        return id;
    }

    public async Task<JsonObject> GetCaseAsync(string caseId)
    {
        var response = await Http.GetAsync($"/api/applications/{caseId}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public static JsonObject Department(JsonObject view, string departmentId) =>
        view["departments"]!.AsArray().Select(d => d!.AsObject()).Single(d => d["id"]!.GetValue<string>() == departmentId);

    /// <summary>Polls the case until <paramref name="condition"/> holds (a condition with a timeout, never a fixed sleep).</summary>
    /// <param name="nudge">When set, the fake clock moves on by this much per poll: time passes while waiting, as it
    /// would, so a durable timer armed at the same moment as a big clock jump still comes due.</param>
    public async Task<JsonObject> WaitForCaseAsync(string caseId, Func<JsonObject, bool> condition, string what, int seconds = 60, TimeSpan? nudge = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        JsonObject view;
        do
        {
            view = await GetCaseAsync(caseId);
            if (condition(view))
            {
                return view;
            }

            await Task.Delay(25);
            if (nudge is { } step)
            {
                await app.AdvanceAsync(step);
            }
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"Case {caseId}: {what} did not happen within {seconds}s. {await EngineStateAsync(caseId)} Last state: {view.ToJsonString()}");
    }

    /// <summary>The orchestration's own view, for failure messages: status and failure of the case's one instance.</summary>
    public async Task<string> EngineStateAsync(string caseId)
    {
        var meta = await app.Engine.GetInstanceAsync(caseId, true);
        return meta is null ? $"[{caseId}: none]" : string.Create(CultureInfo.InvariantCulture, $"[{caseId}: {meta.RuntimeStatus} {meta.FailureDetails?.ErrorMessage}]");
    }

    /// <summary>
    /// The view row (what <c>GET /api/applications/{id}</c> reads) against the case partition itself: once the
    /// writes in flight have landed, both give the same document — or some write did not update its copy. Waits up
    /// to 5 s for writes still in flight, then fails with both documents.
    /// </summary>
    public async Task AssertViewMatchesPartitionAsync(string caseId)
    {
        var store = app.Services.GetRequiredService<Cases.CaseStore>();
        var clocks = app.Services.GetRequiredService<Cases.CaseClocks>();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        string fromView, fromPartition;
        do
        {
            var now = app.Time.GetUtcNow();
            var partition = (await store.LoadAsync(caseId, CancellationToken.None))!;
            var row = await store.Storage.Cases.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(caseId, Cases.CaseViewRow.KeyOf(caseId));
            row.HasValue.Should().BeTrue("every case has a view row from its draft on");
            var view = Cases.CaseViewRow.Read(row.Value!);
            view.Should().NotBeNull();
            fromView = JsonSerializer.Serialize(Cases.CaseViews.Build(view!, clocks, now), Json);
            fromPartition = JsonSerializer.Serialize(Cases.CaseViews.Build(partition, clocks, now), Json);
            if (fromView == fromPartition)
            {
                return;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        fromView.Should().Be(fromPartition, "the view row mirrors every committed write of the rows it copies");
    }

    public Task<JsonObject> WaitForStatusAsync(string caseId, string status, int seconds = 60) =>
        WaitForCaseAsync(caseId, v => v["status"]!.GetValue<string>() == status, "status " + status, seconds);

    /// <summary>Waits until the department's task is pending and returns its task id (from the officer inbox).</summary>
    public async Task<string> WaitForTaskAsync(string caseId, string departmentId, string? notTaskId = null)
    {
        using var officer = app.Officer(departmentId);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var tasks = await officer.GetFromJsonAsync<List<InboxTask>>($"/api/departments/{departmentId}/tasks?status=pending", Json);
            var task = tasks!.FirstOrDefault(t => t.CaseId == caseId && t.TaskId != notTaskId);
            if (task is not null)
            {
                return task.TaskId;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"No pending task for {departmentId} on case {caseId}.");
    }

    /// <summary>Sends a signed decision callback; the pieces of the signature can be overridden to forge one.</summary>
    public async Task<HttpResponseMessage> DecideAsync(string caseId, string departmentId, object body, string? webhookId = null, string? secret = null, DateTimeOffset? at = null, bool sign = true)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, Json);
        webhookId ??= "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = (at ?? app.Time.GetUtcNow()).ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/applications/{caseId}/departments/{departmentId}/decision")
        {
            Content = new ByteArrayContent(bytes),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (sign)
        {
            request.Headers.Add("webhook-id", webhookId);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", WebhookSignature.Sign(WebhookSignature.SecretBytes(secret ?? PipelineApp.SecretOf(departmentId)), webhookId, timestamp, bytes));
        }

        using var client = app.CreateClient();
        return await client.SendAsync(request);
    }

    public static object Approve(string taskId) => new { taskId, decision = "approve", officer = "张三", comment = "符合条件" };

    public static object Reject(string taskId, params string[] reasons) => new { taskId, decision = "reject", officer = "李四", reasons };

    public static object Supplement(string taskId, params string[] materials) => new { taskId, decision = "request-supplement", officer = "王五", requiredMaterials = materials, comment = "请补正" };

    public static StringContent JsonBody(object o) => new(JsonSerializer.Serialize(o, Json), Encoding.UTF8, "application/json");
}
