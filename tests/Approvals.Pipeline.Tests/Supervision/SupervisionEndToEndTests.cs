using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Approvals.Pipeline.Tests.Pipeline;

namespace Approvals.Pipeline.Tests.Supervision;

/// <summary>Supervision through the whole app (Program, engine, orchestrations), as a supervisor and the public see it.</summary>
public sealed class SupervisionEndToEndTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    [Fact]
    public async Task IssuedCase_SupervisorAndPublic_SeeAnchoredChainStatsAndMaskedRegister()
    {
        // A person applies: the register shows their name masked (an organisation's would stay whole).
        var driver = new Driver(app, "applicant-supervision");
        var id = await driver.SubmitCompleteCaseAsync(TestCatalogue.AutoType, "王小明", Driver.PersonId);
        foreach (var department in TestCatalogue.Departments)
        {
            var taskId = await driver.WaitForTaskAsync(id, department);
            (await driver.DecideAsync(id, department, Driver.Approve(taskId))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        var issued = await driver.WaitForStatusAsync(id, "Issued");
        var number = issued["number"]!.GetValue<string>();
        using var supervisor = Supervisor();

        // The register is written by the last activity of the case: wait for it, then read it anonymously.
        using var anonymous = app.CreateClient();
        var register = await WaitAsync(async () =>
        {
            var raw = await anonymous.GetStringAsync("/api/public/register?pageSize=100");
            return raw.Contains(number, StringComparison.Ordinal) ? raw : null;
        });
        register.Should().NotContain("小明").And.NotContain(Driver.PersonId).And.NotContain("13800138000");
        var published = JsonNode.Parse(register)!["items"]!.AsArray().Single(e => e!["caseNumber"]!.GetValue<string>() == number)!;
        published["applicant"]!.GetValue<string>().Should().Be("王**");
        published["licenceNumber"]!.GetValue<string>().Should().Be(issued["licence"]!["licenceNumber"]!.GetValue<string>());

        // "Published" is the case's last timeline event, appended right after the register entry, and anchored just
        // after its append commits.
        var timeline = await WaitAsync(async () =>
        {
            var t = await supervisor.GetFromJsonAsync<JsonObject>($"/api/supervision/applications/{id}/timeline");
            return t!["anchoredSeq"] is not null ? t : null;
        });
        timeline["entries"]!.AsArray().Last()!["type"]!.GetValue<string>().Should().Be("Published");
        timeline["chainValid"]!.GetValue<bool>().Should().BeTrue();
        timeline["caseNumber"]!.GetValue<string>().Should().Be(number);
        timeline["anchoredSeq"]!.GetValue<long>().Should().BeGreaterThan(0, "final events are anchored in the immutable container");
        var seqs = timeline["entries"]!.AsArray().Select(e => e!["seq"]!.GetValue<long>()).ToList();
        seqs.Should().Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i));

        var stats = await supervisor.GetFromJsonAsync<JsonObject>("/api/supervision/stats");
        var type = stats!["licenceTypes"]!.AsArray().Single(t => t!["id"]!.GetValue<string>() == TestCatalogue.AutoType)!;
        type["received"]!.GetValue<int>().Should().BeGreaterThanOrEqualTo(1);
        type["decided"]!.GetValue<int>().Should().BeGreaterThanOrEqualTo(1);
        foreach (var department in TestCatalogue.Departments)
        {
            stats["departments"]!.AsArray().Single(d => d!["id"]!.GetValue<string>() == department)!["decided"]!.GetValue<int>().Should().BeGreaterThanOrEqualTo(1);
        }

        var alerts = await supervisor.GetFromJsonAsync<JsonObject>("/api/supervision/alerts");
        alerts!["items"]!.AsArray().Should().NotContain(a => a!["caseId"]!.GetValue<string>() == id);
    }

    [Fact]
    public async Task ComplaintFiledByApplicant_ListedForSupervisorWithItsCase()
    {
        var driver = new Driver(app, "applicant-complains");
        var id = await driver.SubmitCompleteCaseAsync();
        var filed = await driver.Http.PostAsync($"/api/applications/{id}/complaints", Driver.JsonBody(new { text = "受理窗口态度不好" }));
        filed.StatusCode.Should().Be(HttpStatusCode.Created, await filed.Content.ReadAsStringAsync());

        using var supervisor = Supervisor();
        var page = await supervisor.GetFromJsonAsync<JsonObject>($"/api/supervision/complaints?caseId={id}");
        var complaint = page!["items"]!.AsArray().Should().ContainSingle().Subject!;
        complaint["text"]!.GetValue<string>().Should().Be("受理窗口态度不好");
        complaint["caseNumber"]!.GetValue<string>().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task App_ServesDashboardAndDocumentsSupervisionRoutes()
    {
        using var anonymous = app.CreateClient();
        var page = await anonymous.GetAsync("/supervision");
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        page.Headers.GetValues("Content-Security-Policy").Single().Should().StartWith("default-src 'none'");

        var doc = await anonymous.GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        doc!["paths"]!.AsObject().Select(p => p.Key).Should().Contain([
            "/api/supervision/applications/{id}/timeline", "/api/supervision/alerts", "/api/supervision/stats",
            "/api/supervision/complaints", "/api/public/register",
        ]).And.NotContain("/supervision");
    }

    private HttpClient Supervisor()
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", PipelineApp.Token("supervisor-e2e", "supervisor"));
        return client;
    }

    private static async Task<T> WaitAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException("Condition not met within 30 s.");
    }
}
