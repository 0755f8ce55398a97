using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Approvals.Pipeline.Departments;
using Approvals.Pipeline.Tests.Pipeline;

namespace Approvals.Pipeline.Tests.Departments;

/// <summary>Tasks as work items: claim, release, assign (ETag-guarded: one of two racing claims wins), the inbox filters, all on the timeline.</summary>
public sealed class TaskAssignmentTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    [Fact]
    public async Task Claim_TwoOfficersAtOnce_OneWinsTheOtherGets409()
    {
        var driver = new Driver(app, "applicant-claim1");
        var id = await driver.SubmitCompleteCaseAsync();
        await driver.WaitForTaskAsync(id, "fire-rescue");
        using var a = Officers.Client(app, "officer-a", "fire-rescue");
        using var b = Officers.Client(app, "officer-b", "fire-rescue");

        var answers = await Task.WhenAll(Officers.ClaimAsync(a, id, "fire-rescue"), Officers.ClaimAsync(b, id, "fire-rescue"));

        answers.Select(r => r.StatusCode).Should().BeEquivalentTo([HttpStatusCode.OK, HttpStatusCode.Conflict]);
        var winner = answers[0].StatusCode == HttpStatusCode.OK ? "officer-a" : "officer-b";
        var loser = answers.Single(r => r.StatusCode == HttpStatusCode.Conflict);
        (await Officers.ProblemCodeAsync(loser)).Should().Be("task-held-by-other");
        var won = (await answers.Single(r => r.StatusCode == HttpStatusCode.OK).Content.ReadFromJsonAsync<JsonObject>())!;
        won["assignee"]!.GetValue<string>().Should().Be(winner);

        // Claiming again is a no-op for the holder (a retried request records nothing twice).
        (await Officers.ClaimAsync(winner == "officer-a" ? a : b, id, "fire-rescue")).StatusCode.Should().Be(HttpStatusCode.OK);
        var claims = (await Officers.TimelineAsync(app, id)).Where(e => e["type"]!.GetValue<string>() == "TaskClaimed").ToList();
        claims.Should().ContainSingle().Which["actor"]!.GetValue<string>().Should().Be("officer:fire-rescue:" + winner);
        var mine = await Inbox(winner == "officer-a" ? a : b, "fire-rescue", "?assignee=me");
        mine.Should().ContainSingle(t => t.CaseId == id).Which.Assignee.Should().Be(winner);
        (await Inbox(winner == "officer-a" ? b : a, "fire-rescue", "?assignee=me")).Should().NotContain(t => t.CaseId == id);
    }

    [Fact]
    public async Task ReleaseAndAssign_OnlyTheHolderOrAFreeTask_EveryChangeOnTimelineAndInbox()
    {
        var driver = new Driver(app, "applicant-claim2");
        var id = await driver.SubmitCompleteCaseAsync();
        await driver.WaitForTaskAsync(id, "health");
        using var a = Officers.Client(app, "officer-wu", "health");
        using var b = Officers.Client(app, "officer-zheng", "health");
        string Path(string action) => $"/api/applications/{id}/departments/health/{action}";

        // A free task is dispatched to a named officer; then only that officer can hand it on or release it.
        (await a.PostAsJsonAsync(Path("assign"), new { assignee = "officer-zheng" })).StatusCode.Should().Be(HttpStatusCode.OK);
        var notHolder = await a.PostAsync(Path("release"), null);
        notHolder.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await Officers.ProblemCodeAsync(notHolder)).Should().Be("task-held-by-other");
        var steal = await a.PostAsJsonAsync(Path("assign"), new { assignee = "officer-wu" });
        steal.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await Inbox(a, "health", "?assignee=officer-zheng")).Should().ContainSingle(t => t.CaseId == id);
        (await Inbox(a, "health", "?assignee=none")).Should().NotContain(t => t.CaseId == id);

        (await b.PostAsync(Path("release"), null)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Inbox(a, "health", "?assignee=none")).Should().Contain(t => t.CaseId == id);
        (await Officers.ClaimAsync(a, id, "health")).StatusCode.Should().Be(HttpStatusCode.OK);
        var bad = await a.PostAsJsonAsync(Path("assign"), new { assignee = "" });
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Officers.ProblemCodeAsync(bad)).Should().Be("invalid-assignee");

        // Other departments and applicants cannot touch the task; a case without this department's step is 404.
        using var other = Officers.Client(app, "officer-x", "fire-rescue");
        (await Officers.ProblemCodeAsync(await other.PostAsync(Path("claim"), null))).Should().Be("other-department");
        (await driver.Http.PostAsync(Path("claim"), null)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await app.CreateClient().PostAsync(Path("claim"), null)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await a.PostAsync($"/api/applications/{Guid.NewGuid():N}/departments/health/claim", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var entries = (await Officers.TimelineAsync(app, id)).Where(e => e["type"]!.GetValue<string>().StartsWith("Task", StringComparison.Ordinal)).ToList();
        entries.Select(e => (e["type"]!.GetValue<string>(), e["actor"]!.GetValue<string>(), Officers.Detail(e, "assignee"))).Should().Equal(
            ("TaskAssigned", "officer:health:officer-wu", "officer-zheng"),
            ("TaskReleased", "officer:health:officer-zheng", ""),
            ("TaskClaimed", "officer:health:officer-wu", "officer-wu"));
        Driver.Department(await driver.GetCaseAsync(id), "health")["status"]!.GetValue<string>().Should().Be("Pending", "assignment never changes the step's status");
    }

    [Fact]
    public async Task Inbox_UnknownStatusOrDueFilter_400ListingAllowedValues()
    {
        using var officer = Officers.Client(app, "officer-q", "health");

        var status = await officer.GetAsync("/api/departments/health/tasks?status=pendng");
        var due = await officer.GetAsync("/api/departments/health/tasks?due=someday");

        status.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = (await status.Content.ReadFromJsonAsync<JsonObject>())!;
        status.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        problem["code"]!.GetValue<string>().Should().Be("invalid-status");
        problem["allowedValues"]!.AsArray().Select(v => v!.GetValue<string>()).Should().Equal(DepartmentsApi.StatusValues);
        due.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Officers.ProblemCodeAsync(due)).Should().Be("invalid-due");
        (await officer.GetAsync("/api/departments/health/tasks?status=Awaiting-Supplement")).StatusCode.Should().Be(HttpStatusCode.OK, "values are case-insensitive");
    }

    [Fact]
    public async Task Lead_ReassignsAndReleasesATaskAnotherOfficerHolds_OfficersCannot_EachChangeNamesWhoHeldIt()
    {
        var driver = new Driver(app, "applicant-claim-lead");
        var id = await driver.SubmitCompleteCaseAsync();
        var taskId = await driver.WaitForTaskAsync(id, "market-supervision");
        using var away = Officers.Client(app, "officer-away", "market-supervision");
        using var colleague = Officers.Client(app, "officer-colleague", "market-supervision");
        using var lead = Officers.Lead(app, "lead-chen", ["market-supervision"], ["market-supervision"]);
        using var otherLead = Officers.Lead(app, "lead-fire", ["fire-rescue"], ["fire-rescue"]);
        // An officer of both departments who leads only fire-rescue: a plain officer in market supervision.
        using var leadElsewhere = Officers.Lead(app, "lead-both", ["market-supervision", "fire-rescue"], ["fire-rescue"]);
        string Path(string action) => $"/api/applications/{id}/departments/market-supervision/{action}";
        (await Officers.ClaimAsync(away, id, "market-supervision")).StatusCode.Should().Be(HttpStatusCode.OK);

        // Its holder is away: a colleague cannot take it, a lead of another department cannot either, its lead can.
        (await colleague.PostAsJsonAsync(Path("assign"), new { assignee = "officer-colleague" })).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await otherLead.PostAsJsonAsync(Path("assign"), new { assignee = "officer-colleague" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await leadElsewhere.PostAsJsonAsync(Path("assign"), new { assignee = "officer-colleague" })).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await leadElsewhere.PostAsync(Path("release"), null)).StatusCode.Should().Be(HttpStatusCode.Conflict);
        var reassigned = await lead.PostAsJsonAsync(Path("assign"), new { assignee = "officer-colleague" });
        reassigned.StatusCode.Should().Be(HttpStatusCode.OK, await reassigned.Content.ReadAsStringAsync());
        var view = (await reassigned.Content.ReadFromJsonAsync<JsonObject>())!;
        (view["assignee"]!.GetValue<string>(), view["assignedBy"]!.GetValue<string>()).Should().Be(("officer-colleague", "lead-chen"));

        // The new holder decides; the one it was taken from no longer can.
        (await away.PostAsJsonAsync(Path("decision"), Driver.Approve(taskId))).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await lead.PostAsync(Path("release"), null)).StatusCode.Should().Be(HttpStatusCode.OK, "a lead also releases a task someone else holds");
        (await Inbox(lead, "market-supervision", "?assignee=none")).Should().Contain(t => t.CaseId == id);

        var entries = await Officers.TimelineAsync(app, id);
        var assigned = entries.Single(e => e["type"]!.GetValue<string>() == "TaskAssigned");
        assigned["actor"]!.GetValue<string>().Should().Be("officer:market-supervision:lead-chen");
        (Officers.Detail(assigned, "assignee"), Officers.Detail(assigned, "previousAssignee")).Should().Be(("officer-colleague", "officer-away"));
        var released = entries.Single(e => e["type"]!.GetValue<string>() == "TaskReleased");
        (released["actor"]!.GetValue<string>(), Officers.Detail(released, "previousAssignee")).Should().Be(("officer:market-supervision:lead-chen", "officer-colleague"));
    }

    internal static async Task<List<InboxTask>> Inbox(HttpClient officer, string department, string query)
    {
        var response = await officer.GetAsync($"/api/departments/{department}/tasks{query}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<List<InboxTask>>(Driver.Json))!;
    }
}
