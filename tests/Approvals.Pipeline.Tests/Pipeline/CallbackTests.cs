using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Pipeline.Tests.Pipeline;

/// <summary>The signed decision callback: every refused call changes nothing; a repeated webhook-id gets its first answer.</summary>
public sealed class CallbackTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    [Fact]
    public async Task Decide_UnsignedExpiredForgedOrUnknownDepartment_401AndNothingChanges()
    {
        var driver = new Driver(app, "applicant-cb1");
        var id = await driver.SubmitCompleteCaseAsync();
        var taskId = await driver.WaitForTaskAsync(id, "health");
        var before = Driver.Department(await driver.GetCaseAsync(id), "health").ToJsonString();

        var unsigned = await driver.DecideAsync(id, "health", Driver.Approve(taskId), sign: false);
        var expired = await driver.DecideAsync(id, "health", Driver.Approve(taskId), at: app.Time.GetUtcNow().AddMinutes(-6));
        var future = await driver.DecideAsync(id, "health", Driver.Approve(taskId), at: app.Time.GetUtcNow().AddMinutes(6));
        var forged = await driver.DecideAsync(id, "health", Driver.Approve(taskId), secret: PipelineApp.SecretOf("fire-rescue"));
        var unknown = await driver.DecideAsync(id, "tax-bureau", Driver.Approve(taskId));

        foreach (var (response, code) in new[] { (unsigned, "signature-missing"), (expired, "signature-expired"), (future, "signature-expired"), (forged, "signature-invalid"), (unknown, "unknown-department") })
        {
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
            (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>().Should().Be(code);
        }

        Driver.Department(await driver.GetCaseAsync(id), "health").ToJsonString().Should().Be(before);
        (await driver.WaitForTaskAsync(id, "health")).Should().Be(taskId, "the task is still open");
    }

    [Fact]
    public async Task Decide_TamperedBodyWithValidHeaders_401()
    {
        var driver = new Driver(app, "applicant-cb2");
        var id = await driver.SubmitCompleteCaseAsync();
        var taskId = await driver.WaitForTaskAsync(id, "fire-rescue");
        // Signed for one body, sent with another: the signature covers the body.
        var signedFor = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Driver.Approve(taskId), Driver.Json);
        var timestamp = app.Time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/applications/{id}/departments/fire-rescue/decision")
        {
            Content = Driver.JsonBody(Driver.Reject(taskId, "伪造")),
        };
        request.Headers.Add("webhook-id", "msg_tampered");
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", global::Approvals.Pipeline.Departments.WebhookSignature.Sign(
            global::Approvals.Pipeline.Departments.WebhookSignature.SecretBytes(PipelineApp.SecretOf("fire-rescue")), "msg_tampered", timestamp, signedFor));
        using var client = app.CreateClient();
        (await client.SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        Driver.Department(await driver.GetCaseAsync(id), "fire-rescue")["status"]!.GetValue<string>().Should().Be("Pending");
    }

    [Fact]
    public async Task Decide_RepeatedWebhookId_FirstAnswerReplayedAndNothingChanges()
    {
        var driver = new Driver(app, "applicant-cb3");
        var id = await driver.SubmitCompleteCaseAsync();
        var taskId = await driver.WaitForTaskAsync(id, "market-supervision");

        var first = await driver.DecideAsync(id, "market-supervision", Driver.Approve(taskId), webhookId: "msg_once");
        first.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var firstBody = await first.Content.ReadAsStringAsync();
        var decided = Driver.Department(await driver.GetCaseAsync(id), "market-supervision");

        // Same webhook-id, even with another body: the first answer again, and the decision stays.
        var again = await driver.DecideAsync(id, "market-supervision", Driver.Reject(taskId, "改主意了"), webhookId: "msg_once");
        again.StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await again.Content.ReadAsStringAsync()).Should().Be(firstBody);
        again.Headers.GetValues("webhook-replayed").Should().Equal("true");

        var after = Driver.Department(await driver.GetCaseAsync(id), "market-supervision");
        after["status"]!.GetValue<string>().Should().Be("Approved");
        after["decision"]!.GetValue<string>().Should().Be(decided["decision"]!.GetValue<string>());
        after["decidedAt"]!.GetValue<DateTimeOffset>().Should().Be(decided["decidedAt"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Decide_StaleTaskIdOrAlreadyDecided_409AndNothingChanges()
    {
        var driver = new Driver(app, "applicant-cb4");
        var id = await driver.SubmitCompleteCaseAsync();
        var taskId = await driver.WaitForTaskAsync(id, "health");

        var stale = await driver.DecideAsync(id, "health", Driver.Approve(Guid.NewGuid().ToString("N")));
        stale.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await stale.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>().Should().Be("task-stale");
        Driver.Department(await driver.GetCaseAsync(id), "health")["status"]!.GetValue<string>().Should().Be("Pending");

        (await driver.DecideAsync(id, "health", Driver.Reject(taskId, "场地不符合要求"))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        var second = await driver.DecideAsync(id, "health", Driver.Approve(taskId));
        second.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await second.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>().Should().Be("task-decided");

        var health = Driver.Department(await driver.GetCaseAsync(id), "health");
        health["status"]!.GetValue<string>().Should().Be("Rejected");
        health["reasons"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Equal("场地不符合要求");
    }

    [Fact]
    public async Task Decide_TaskChangedByAnotherWriterSinceThisProcessOpenedIt_AnsweredFromTheRowAsStored()
    {
        // This process remembers the rows of the tasks it opened (the claim then skips its read). Another host
        // changes both tasks behind its back: a new task id on one, another property on the other.
        var driver = new Driver(app, "applicant-cb7");
        var id = await driver.SubmitCompleteCaseAsync();
        var healthTask = await driver.WaitForTaskAsync(id, "health");
        var fireTask = await driver.WaitForTaskAsync(id, "fire-rescue");
        var store = app.Services.GetRequiredService<global::Approvals.Pipeline.Cases.CaseStore>();
        store.OpenTasks.Get(id, "health").Should().NotBeNull("the task this process opened is remembered");
        var newTask = Guid.NewGuid().ToString("N");
        var health = (await store.Storage.Cases.GetEntityAsync<TableEntity>(id, global::Approvals.Pipeline.Cases.DepartmentRow.KeyFor(id, "health"))).Value;
        health["TaskId"] = newTask;
        await store.Storage.Cases.UpdateEntityAsync(health, health.ETag, TableUpdateMode.Merge);
        var fire = (await store.Storage.Cases.GetEntityAsync<TableEntity>(id, global::Approvals.Pipeline.Cases.DepartmentRow.KeyFor(id, "fire-rescue"))).Value;
        fire["Comment"] = "另一台主机写过";
        await store.Storage.Cases.UpdateEntityAsync(fire, fire.ETag, TableUpdateMode.Merge);

        // The current task id is accepted although the remembered row still has the old one (never refused on
        // memory); then the old one is refused, as decided.
        (await driver.DecideAsync(id, "health", Driver.Approve(newTask))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await driver.DecideAsync(id, "health", Driver.Approve(healthTask))).StatusCode.Should().Be(HttpStatusCode.Conflict);
        // The remembered ETag is stale: the claim fails, the row is read, and the decision is stored on the fresh row.
        (await driver.DecideAsync(id, "fire-rescue", Driver.Approve(fireTask))).StatusCode.Should().Be(HttpStatusCode.Accepted);

        var stored = (await store.Storage.Cases.GetEntityAsync<TableEntity>(id, global::Approvals.Pipeline.Cases.DepartmentRow.KeyFor(id, "fire-rescue"))).Value;
        stored.GetString("Status").Should().Be("Approved");
        stored.GetString("Comment").Should().Be("符合条件");
        (await store.Storage.Cases.GetEntityAsync<TableEntity>(id, global::Approvals.Pipeline.Cases.DepartmentRow.KeyFor(id, "health"))).Value.GetString("Status").Should().Be("Approved");
        store.OpenTasks.Get(id, "fire-rescue").Should().BeNull("a claimed task is forgotten");
    }

    [Fact]
    public async Task Decide_TwoDifferentCallbacksRace_ExactlyOneDecides()
    {
        var driver = new Driver(app, "applicant-cb6");
        var id = await driver.SubmitCompleteCaseAsync();
        var taskId = await driver.WaitForTaskAsync(id, "fire-rescue");
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            driver.DecideAsync(id, "fire-rescue", i % 2 == 0 ? Driver.Approve(taskId) : Driver.Reject(taskId, "并发" + i))));
        answers.Count(a => a.StatusCode == HttpStatusCode.Accepted).Should().Be(1);
        answers.Count(a => a.StatusCode == HttpStatusCode.Conflict).Should().Be(5);
        var winner = await answers.Single(a => a.StatusCode == HttpStatusCode.Accepted).Content.ReadFromJsonAsync<JsonObject>();
        var step = Driver.Department(await driver.GetCaseAsync(id), "fire-rescue");
        step["decision"]!.GetValue<string>().Should().Be(winner!["decision"]!.GetValue<string>());
    }

    [Fact]
    public async Task Decide_RejectWithoutReasonsOrUnknownDecision_422()
    {
        var driver = new Driver(app, "applicant-cb5");
        var id = await driver.SubmitCompleteCaseAsync();
        var taskId = await driver.WaitForTaskAsync(id, "health");
        (await driver.DecideAsync(id, "health", new { taskId, decision = "reject", officer = "李四" })).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await driver.DecideAsync(id, "health", new { taskId, decision = "accept", officer = "李四" })).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await driver.DecideAsync(id, "health", Driver.Supplement(taskId, "no-such-material"))).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        Driver.Department(await driver.GetCaseAsync(id), "health")["status"]!.GetValue<string>().Should().Be("Pending");
    }

    [Fact]
    public async Task Inbox_OfficerOfAnotherDepartment_403()
    {
        using var officer = app.Officer("health");
        (await officer.GetAsync("/api/departments/fire-rescue/tasks")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using var applicant = app.Applicant("someone");
        (await applicant.GetAsync("/api/departments/health/tasks")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
