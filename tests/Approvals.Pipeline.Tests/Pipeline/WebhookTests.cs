using System.Collections.Concurrent;
using System.Net;
using Approvals.Pipeline.Departments;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Pipeline.Tests.Pipeline;

/// <summary>A department's back office on loopback that answers webhooks with scripted status codes.</summary>
public sealed class WebhookReceiver : IAsyncLifetime
{
    private WebApplication? _app;

    public ConcurrentQueue<(string Department, string Id, string Timestamp, string Signature, byte[] Body)> Received { get; } = new();

    /// <summary>Per department: how many of the first attempts of each message (webhook-id) fail with 503 (int.MaxValue: all).</summary>
    public ConcurrentDictionary<string, int> FailFirst { get; } = new();

    public string BaseUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/hooks/{department}", async (string department, HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var id = request.Headers["webhook-id"].ToString();
            Received.Enqueue((department, id, request.Headers["webhook-timestamp"].ToString(), request.Headers["webhook-signature"].ToString(), buffer.ToArray()));
            var failures = FailFirst.GetValueOrDefault(department);
            return Received.Count(r => r.Department == department && r.Id == id) <= failures ? Results.StatusCode(503) : Results.Ok();
        });
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>Outgoing signed task notifications: retried with backoff (durable timers, shortened here), failure recorded.</summary>
public sealed class WebhookTests : IClassFixture<WebhookReceiver>, IAsyncLifetime
{
    private readonly WebhookReceiver _receiver;
    private readonly PipelineApp _app = new();

    public WebhookTests(WebhookReceiver receiver)
    {
        _receiver = receiver;
        _app.Settings["Departments:health:WebhookUrl"] = receiver.BaseUrl + "/hooks/health";
        _app.Settings["Departments:fire-rescue:WebhookUrl"] = receiver.BaseUrl + "/hooks/fire-rescue";
        _app.Settings["Departments:service-centre:WebhookUrl"] = receiver.BaseUrl + "/hooks/service-centre";
        _app.Settings["Departments:market-supervision:WebhookUrl"] = receiver.BaseUrl + "/hooks/market-supervision";
        // Retry waits are durable timers on the system clock: short ones here (the schedule is what is tested).
        _app.Settings["Webhooks:FirstRetryInterval"] = "00:00:00.1";
        receiver.FailFirst["health"] = 2;
        receiver.FailFirst["fire-rescue"] = int.MaxValue;
        receiver.FailFirst["market-supervision"] = 1;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Notify_FailsTwiceThenSucceeds_RetriedWithSameSignedIdAndFinalFailureRecordedForTheOther()
    {
        var driver = new Driver(_app, "applicant-hooks");
        var id = await driver.SubmitCompleteCaseAsync();
        var healthTask = await driver.WaitForTaskAsync(id, "health");

        // Wait until every attempt has been made (0.1 + 0.2 + 0.4 + 0.8 + 1.6 s of retry waits).
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var view = await driver.GetCaseAsync(id);
            if (Calls("health", id).Count >= 3 && Driver.Department(view, "fire-rescue")["webhookFailure"] is not null)
            {
                break;
            }

            await Task.Delay(100);
        }

        var health = Calls("health", id);
        health.Should().HaveCount(3, "two failures, then success, then no more calls");
        health.Select(c => c.Id).Distinct().Should().ContainSingle("a retry is the same message");
        foreach (var call in health)
        {
            WebhookSignature.Verify(WebhookSignature.SecretBytes(PipelineApp.SecretOf("health")), call.Id, long.Parse(call.Timestamp, System.Globalization.CultureInfo.InvariantCulture), call.Body, call.Signature)
                .Should().BeTrue();
            System.Text.Encoding.UTF8.GetString(call.Body).Should().Contain(healthTask);
        }

        Calls("fire-rescue", id).Should().HaveCount(6, "the retry policy allows six attempts");
        var final = await driver.GetCaseAsync(id);
        Driver.Department(final, "fire-rescue")["webhookFailure"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        Driver.Department(final, "health")["webhookFailure"].Should().BeNull();
        // The failed notification does not stop the review: the inbox still has the task.
        var fireTask = await driver.WaitForTaskAsync(id, "fire-rescue");
        (await driver.DecideAsync(id, "fire-rescue", Driver.Approve(fireTask))).StatusCode.Should().Be(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Notify_ServiceCentreWithWebhook_ToldOfTheAcceptanceTask()
    {
        var driver = new Driver(_app, "applicant-hooks-sc");
        var id = await driver.SubmitCompleteCaseAsync(TestCatalogue.ManualType);
        var taskId = await driver.WaitForTaskAsync(id, "service-centre");
        // The inbox row is written before the webhook goes out: wait for the call itself.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Calls("service-centre").Any(c => System.Text.Encoding.UTF8.GetString(c.Body).Contains(id, StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25);
        }

        var call = Calls("service-centre").Single(c => System.Text.Encoding.UTF8.GetString(c.Body).Contains(id, StringComparison.Ordinal));
        call.Id.Should().Be("task_" + taskId);
        System.Text.Encoding.UTF8.GetString(call.Body).Should().Contain($"/api/applications/{id}/departments/service-centre/decision");
    }

    [Fact]
    public async Task Notify_TaskResumedAfterASupplement_DepartmentToldOfTheNewTaskId()
    {
        // A back office that asked for materials learns that the task is back, and under which task id to decide.
        var driver = new Driver(_app, "applicant-hooks-resume");
        var id = await driver.SubmitCompleteCaseAsync();
        var first = await driver.WaitForTaskAsync(id, "market-supervision");
        (await driver.DecideAsync(id, "market-supervision", Driver.Supplement(first, "floor-plan"))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await driver.WaitForCaseAsync(id, v => Driver.Department(v, "market-supervision")["status"]!.GetValue<string>() == "AwaitingSupplement", "the supplement request");
        (await driver.UploadAsync(id, "floor-plan", TestFiles.Pdf(), "application/pdf", "平面图.pdf")).StatusCode.Should().Be(HttpStatusCode.Created);
        var second = await driver.WaitForTaskAsync(id, "market-supervision", notTaskId: first);

        // Its first attempt fails (inline, in ResumeStep); the orchestration's retry delivers the same message.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Calls("market-supervision").Count(c => c.Id == "task_" + second) < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25);
        }

        Calls("market-supervision").Where(c => c.Id == "task_" + second).Should().HaveCount(2, "one failed attempt, one retry");
        var call = Calls("market-supervision").Last(c => c.Id == "task_" + second);
        WebhookSignature.Verify(WebhookSignature.SecretBytes(PipelineApp.SecretOf("market-supervision")), call.Id, long.Parse(call.Timestamp, System.Globalization.CultureInfo.InvariantCulture), call.Body, call.Signature)
            .Should().BeTrue();
        var body = System.Text.Json.Nodes.JsonNode.Parse(call.Body)!;
        (body["type"]!.GetValue<string>(), body["taskId"]!.GetValue<string>(), body["previousTaskId"]!.GetValue<string>()).Should().Be(("task.resumed", second, first));
        body["caseFileUrl"]!.GetValue<string>().Should().Contain($"/api/applications/{id}/departments/market-supervision/file");

        // The back office decides on the new task.
        (await driver.DecideAsync(id, "market-supervision", Driver.Approve(second))).StatusCode.Should().Be(HttpStatusCode.Accepted);
    }

    private List<(string Department, string Id, string Timestamp, string Signature, byte[] Body)> Calls(string department) =>
        _receiver.Received.Where(r => r.Department == department).ToList();

    /// <summary>The calls about one case (other tests' cases notify the same departments).</summary>
    private List<(string Department, string Id, string Timestamp, string Signature, byte[] Body)> Calls(string department, string caseId) =>
        Calls(department).Where(c => System.Text.Encoding.UTF8.GetString(c.Body).Contains(caseId, StringComparison.Ordinal)).ToList();
}
