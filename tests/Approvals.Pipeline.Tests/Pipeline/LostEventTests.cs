using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Pipeline.Tests.Pipeline;

/// <summary>
/// Events the orchestration never receives. A decision commits on the step row first and its event is raised after
/// (a crash in between loses it); a withdrawal raised before the case's instance exists is dropped by the runtime.
/// Each test commits through the case store exactly as the endpoint does and leaves the event out, then checks that
/// the case still ends as committed: the decided task's next call, the step's alert instant or the deemed-acceptance
/// timer recovers the decision; the acceptance reads the withdrawal. Moves the fake clock: its own fixture.
/// </summary>
public sealed class LostEventTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Fact]
    public async Task Decision_CommittedButItsEventLost_ACallOnTheDecidedTaskRaisesItAgain()
    {
        var driver = new Driver(app, "applicant-lost-retry");
        var id = await driver.SubmitCompleteCaseAsync();
        var tasks = await TasksAsync(driver, id);
        await ClaimWithoutEventAsync(id, "health", tasks["health"], "approve");
        foreach (var department in TestCatalogue.Departments.Where(d => d != "health"))
        {
            (await driver.DecideAsync(id, department, Driver.Approve(tasks[department]))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        await Task.Delay(1500);
        (await driver.GetCaseAsync(id))["status"]!.GetValue<string>().Should().Be("InReview", "the orchestration has not heard of health's approval");

        // The back office, having seen its first call fail, calls again with a new webhook-id: the task is decided
        // (409), and the decision it carries reaches the orchestration.
        var again = await driver.DecideAsync(id, "health", Driver.Approve(tasks["health"]));
        again.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await again.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>().Should().Be("task-decided");
        var store = app.Services.GetRequiredService<CaseStore>();
        var claimKey = (await store.GetDepartmentAsync(id, "health", CancellationToken.None))!.ClaimedBy!;
        var reRaisedAt = (await store.GetAnswerAsync(id, claimKey, CancellationToken.None))!.ReRaisedAt;
        reRaisedAt.Should().NotBeNull("the claim's event was raised again, and that is marked on its answer");
        (await driver.DecideAsync(id, "health", Driver.Approve(tasks["health"]))).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await store.GetAnswerAsync(id, claimKey, CancellationToken.None))!.ReRaisedAt.Should().Be(reRaisedAt, "once per claim, however many calls come");
        var issued = await driver.WaitForStatusAsync(id, "Issued");
        Driver.Department(issued, "health")["officer"]!.GetValue<string>().Should().Be("恢复测试", "the committed decision, not the retry's body");
        var timeline = await Departments.Officers.WaitForTimelineAsync(app, id, e => e["type"]!.GetValue<string>() == "Published", "publication");
        var decided = timeline.Where(e => e["type"]!.GetValue<string>() == "DepartmentDecided" && e["department"]?.GetValue<string>() == "health").ToList();
        decided.Should().ContainSingle("one entry for the one decision, however often its event is raised");
    }

    [Fact]
    public async Task Decision_CommittedButItsEventLost_NobodyCalls_TakenAtTheStepsAlertInstantWithoutAnAlert()
    {
        var driver = new Driver(app, "applicant-lost-alert");
        var id = await driver.SubmitCompleteCaseAsync();
        var tasks = await TasksAsync(driver, id);
        var decidedAt = await ClaimWithoutEventAsync(id, "market-supervision", tasks["market-supervision"], "approve");
        foreach (var department in TestCatalogue.Departments.Where(d => d != "market-supervision"))
        {
            (await driver.DecideAsync(id, department, Driver.Approve(tasks[department]))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        var view = await driver.GetCaseAsync(id);
        view["status"]!.GetValue<string>().Should().Be("InReview");
        var due = DateOnly.Parse(Driver.Department(view, "market-supervision")["dueDate"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

        // 预警 is due on the due date: the orchestration's timer wakes for it, finds the decision and raises nothing.
        await app.AdvanceToAsync(new DateTimeOffset(due.Year, due.Month, due.Day, 10, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime());
        var issued = await driver.WaitForCaseAsync(id, v => v["status"]!.GetValue<string>() == "Issued", "issued", nudge: TimeSpan.FromMinutes(1));
        Driver.Department(issued, "market-supervision")["alertRaised"]!.GetValue<string>().Should().Be("None");
        var timeline = await Departments.Officers.WaitForTimelineAsync(app, id, e => e["type"]!.GetValue<string>() == "Published", "publication");
        timeline.Where(e => e["type"]!.GetValue<string>() == "AlertRaised").Select(e => e["department"]?.GetValue<string>())
            .Should().NotContain("market-supervision", "the step's alert instant found the decision instead");
        var decided = timeline.Single(e => e["type"]!.GetValue<string>() == "DepartmentDecided" && e["department"]?.GetValue<string>() == "market-supervision");
        decided["at"]!.GetValue<DateTimeOffset>().Should().Be(decidedAt, "the decision counts when it was committed, not when it was found");
        // The step clock as the orchestration recorded the decision: stopped when it was committed (the day the task
        // arrived), not on the due date when the timer found it.
        decided["clock"]!["workingDaysUsed"]!.GetValue<int>().Should().Be(0);
        decided["clock"]!["status"]!.GetValue<string>().Should().Be("Stopped");
    }

    [Fact]
    public async Task DeemedAcceptance_CentreAcceptedFirstButItsEventLost_TheAcceptanceStands()
    {
        var driver = new Driver(app, "applicant-lost-centre");
        var id = await driver.SubmitCompleteCaseAsync(TestCatalogue.ManualType);
        var taskId = await driver.WaitForTaskAsync(id, "service-centre");
        var acceptedAt = await ClaimWithoutEventAsync(id, "service-centre", taskId, "accept");
        var deemedAt = (await driver.GetCaseAsync(id))["clock"]!["deemedAcceptedAt"]!.GetValue<DateTimeOffset>();

        await app.AdvanceToAsync(deemedAt.AddMinutes(1));
        var accepted = await driver.WaitForCaseAsync(id, v => v["status"]!.GetValue<string>() == "InReview", "review after acceptance", nudge: TimeSpan.FromSeconds(1));
        accepted["deemedAccepted"]!.GetValue<bool>().Should().BeFalse("the centre accepted within the Art. 32 window");
        accepted["acceptance"]!["status"]!.GetValue<string>().Should().Be("Accepted");
        var timeline = await Departments.Officers.WaitForTimelineAsync(app, id, e => e["type"]!.GetValue<string>() == "DepartmentNotified" && e["department"]?.GetValue<string>() != "service-centre", "review tasks");
        timeline.Should().NotContain(e => e["type"]!.GetValue<string>() == "DeemedAccepted");
        timeline.Single(e => e["type"]!.GetValue<string>() == "Accepted")["at"]!.GetValue<DateTimeOffset>().Should().Be(acceptedAt);
    }

    [Theory]
    [InlineData(TestCatalogue.AutoType)]
    [InlineData(TestCatalogue.ManualType)]
    public async Task Withdrawal_CommittedBeforeTheInstanceExisted_CaseEndsWithdrawnBeforeAnyTask(string type)
    {
        // The submit committed and the host died before it started the instance; the applicant withdrew (its event
        // raised to no instance, dropped), then submitted again, which starts the instance.
        var subject = "applicant-lost-withdraw-" + type;
        var driver = new Driver(app, subject);
        var id = await driver.CreateDraftAsync(type);
        (await driver.UploadAsync(id, "application-form", TestFiles.Pdf(), "application/pdf", "申请书.pdf")).StatusCode.Should().Be(HttpStatusCode.Created);
        if (type == TestCatalogue.AutoType)
        {
            (await driver.UploadAsync(id, "site-photo", TestFiles.Png(), "image/png", "photo.png")).StatusCode.Should().Be(HttpStatusCode.Created);
        }

        var store = app.Services.GetRequiredService<CaseStore>();
        var draft = (await store.GetCaseAsync(id, CancellationToken.None))!;
        (await store.SubmitAsync(draft, app.Time.GetUtcNow(), "2026.1", CancellationToken.None)).Should().NotBeNull();
        (await driver.Http.PostAsync($"/api/applications/{id}/withdraw", null)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await app.Engine.GetInstanceAsync(id)).Should().BeNull("no instance yet: the withdrawal's event went nowhere");

        (await driver.Http.PostAsync($"/api/applications/{id}/submit", null)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        var final = await driver.WaitForStatusAsync(id, "Withdrawn");
        final["departments"]!.AsArray().Select(d => d!["status"]!.GetValue<string>()).Should().NotBeEmpty()
            .And.AllBe("NotStarted", "no department gets a task on a withdrawn case");

        var types = (await Departments.Officers.WaitForTimelineAsync(app, id, e => e["type"]!.GetValue<string>() == "Withdrawn", "the withdrawal")).Select(e => e["type"]!.GetValue<string>()).ToList();
        types.Should().Contain("Withdrawn").And.NotContain("DepartmentNotified");
    }

    private static async Task<Dictionary<string, string>> TasksAsync(Driver driver, string id)
    {
        var tasks = new Dictionary<string, string>();
        foreach (var department in TestCatalogue.Departments)
        {
            tasks[department] = await driver.WaitForTaskAsync(id, department);
        }

        return tasks;
    }

    /// <summary>Claims the task as the decision endpoint does (step row and answer row in one transaction), and raises nothing.</summary>
    private async Task<DateTimeOffset> ClaimWithoutEventAsync(string caseId, string departmentId, string taskId, string decision)
    {
        var store = app.Services.GetRequiredService<CaseStore>();
        var step = (await store.GetDepartmentAsync(caseId, departmentId, CancellationToken.None))!;
        var now = app.Time.GetUtcNow();
        var evt = new DecisionEvent(taskId, departmentId, decision, [], "恢复测试", null, [], now, DecisionEvent.ViaBackOffice);
        var answer = new WebhookAnswerRow
        {
            PartitionKey = caseId,
            RowKey = WebhookAnswerRow.KeyFor(caseId, departmentId, "msg_lost_" + Guid.NewGuid().ToString("N")),
            StatusCode = 202,
            Body = "{}",
            At = now,
            EventInstanceId = step.InstanceId,
            EventJson = JsonSerializer.Serialize(evt, StoredJson.Options),
        };
        (await store.ClaimDecisionAsync(step, answer, evt, now, CancellationToken.None)).Should().Be(ClaimOutcome.Claimed);
        return now;
    }
}
