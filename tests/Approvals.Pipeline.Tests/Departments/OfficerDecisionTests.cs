using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Approvals.Pipeline.Tests.Pipeline;

namespace Approvals.Pipeline.Tests.Departments;

/// <summary>
/// Deciding on the platform: an officer holding the task decides with their token through the decision route (same
/// body and rules as the signed callback); the officer recorded is the token's subject, never a body field. The back
/// office's signed callback stays, its officer recorded as its claim.
/// </summary>
public sealed class OfficerDecisionTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    private static readonly string[] ChangedMind = ["改主意"];

    [Fact]
    public async Task Decide_ByTokenOfHolder_RecordsTheTokensSubjectNotTheBodysOfficer()
    {
        var driver = new Driver(app, "applicant-jwt1");
        var id = await driver.SubmitCompleteCaseAsync();
        var taskId = await driver.WaitForTaskAsync(id, "health");
        using var officer = Officers.Client(app, "officer-feng", "health");
        var path = $"/api/applications/{id}/departments/health/decision";
        var body = new { taskId, decision = "approve", officer = "冒名顶替", comment = "符合条件" };

        var unclaimed = await officer.PostAsJsonAsync(path, body);
        unclaimed.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await Officers.ProblemCodeAsync(unclaimed)).Should().Be("task-not-claimed");
        (await Officers.ClaimAsync(officer, id, "health")).StatusCode.Should().Be(HttpStatusCode.OK);
        using var colleague = Officers.Client(app, "officer-chen", "health");
        (await Officers.ProblemCodeAsync(await colleague.PostAsJsonAsync(path, body))).Should().Be("task-held-by-other");
        var invalid = await officer.PostAsJsonAsync(path, new { taskId, decision = "reject" });
        invalid.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, "the callback's rules: a rejection needs reasons");

        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", "decide-once");
        var decided = await officer.SendAsync(request);
        decided.StatusCode.Should().Be(HttpStatusCode.Accepted, await decided.Content.ReadAsStringAsync());
        var first = await decided.Content.ReadAsStringAsync();

        // The same key again: the first answer, nothing changes.
        using var again = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(new { taskId, decision = "reject", reasons = ChangedMind }) };
        again.Headers.Add("Idempotency-Key", "decide-once");
        var replay = await officer.SendAsync(again);
        replay.StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await replay.Content.ReadAsStringAsync()).Should().Be(first);

        var health = Driver.Department(await driver.GetCaseAsync(id), "health");
        health["status"]!.GetValue<string>().Should().Be("Approved");
        health["officer"]!.GetValue<string>().Should().Be("officer-feng", "the token's subject, not the body's officer field");
        var entries = await Officers.WaitForTimelineAsync(app, id, e => e["type"]!.GetValue<string>() == "DepartmentDecided", "the decision");
        var entry = entries.Single(e => e["type"]!.GetValue<string>() == "DepartmentDecided");
        entry["actor"]!.GetValue<string>().Should().Be("officer:health:officer-feng");
        entry["details"]!["claimedOfficer"].Should().BeNull();
    }

    [Fact]
    public async Task Decide_ByTokenOfOtherDepartmentApplicantOrBadToken_RefusedAndNothingChanges()
    {
        var driver = new Driver(app, "applicant-jwt2");
        var id = await driver.SubmitCompleteCaseAsync();
        var taskId = await driver.WaitForTaskAsync(id, "fire-rescue");
        var path = $"/api/applications/{id}/departments/fire-rescue/decision";
        using var other = Officers.Client(app, "officer-he", "health");
        using var forged = app.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new("Bearer", "not.a.token");

        var answers = new[]
        {
            (await other.PostAsJsonAsync(path, Driver.Approve(taskId)), HttpStatusCode.Forbidden, "other-department"),
            (await driver.Http.PostAsJsonAsync(path, Driver.Approve(taskId)), HttpStatusCode.Forbidden, "officers-only"),
            (await forged.PostAsJsonAsync(path, Driver.Approve(taskId)), HttpStatusCode.Unauthorized, "unauthorized"),
        };

        foreach (var (response, status, code) in answers)
        {
            response.StatusCode.Should().Be(status);
            (await Officers.ProblemCodeAsync(response)).Should().Be(code);
        }

        Driver.Department(await driver.GetCaseAsync(id), "fire-rescue")["status"]!.GetValue<string>().Should().Be("Pending");
    }

    [Fact]
    public async Task Decide_BySignedCallback_RecordsTheOfficerAsTheBackOfficesClaim()
    {
        var driver = new Driver(app, "applicant-jwt3");
        var id = await driver.SubmitCompleteCaseAsync();
        var taskId = await driver.WaitForTaskAsync(id, "market-supervision");

        (await driver.DecideAsync(id, "market-supervision", Driver.Approve(taskId))).StatusCode.Should().Be(HttpStatusCode.Accepted);

        var entries = await Officers.WaitForTimelineAsync(app, id, e => e["type"]!.GetValue<string>() == "DepartmentDecided", "the decision");
        var entry = entries.Single(e => e["type"]!.GetValue<string>() == "DepartmentDecided");
        entry["actor"]!.GetValue<string>().Should().Be("backoffice:market-supervision");
        Officers.Detail(entry, "claimedOfficer").Should().Be("张三");
    }
}
