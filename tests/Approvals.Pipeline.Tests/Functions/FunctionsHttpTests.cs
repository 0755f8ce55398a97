using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approvals.Functions.Http;
using Approvals.Pipeline.Tests.Pipeline;
using Microsoft.AspNetCore.Routing;

namespace Approvals.Pipeline.Tests.Functions;

/// <summary>
/// Requests through the Functions app's HTTP triggers, in process (the Functions host cannot run here), beside the
/// ASP.NET Core host on the same storage and task hub: same answers, same problem documents and limits, the durable
/// client of the trigger reaching the handler. The handlers themselves are tested once, through the ASP.NET Core host.
/// </summary>
public sealed class FunctionsHttpTests : IClassFixture<PipelineApp>, IDisposable
{
    private readonly PipelineApp _app;
    private readonly FunctionsApp _functions;

    public FunctionsHttpTests(PipelineApp app)
    {
        _app = app;
        _ = app.CreateClient(); // the ASP.NET Core host creates the tables and runs the orchestrations
        _functions = new FunctionsApp(app);
    }

    public void Dispose() => _functions.Dispose();

    [Fact]
    public void EndpointTable_EveryTriggerOneEndpoint_EveryEndpointOneTrigger()
    {
        var triggers = HttpTriggerRoute.Of(typeof(FunctionsEndpoints).Assembly);
        var bound = triggers.Select(t => _functions.Endpoints.For(t.Function)).ToList();

        bound.Should().OnlyHaveUniqueItems("one trigger per endpoint");
        _functions.Endpoints.Endpoints.Should().OnlyContain(e => bound.Contains(e), "every endpoint of the API has its trigger");
    }

    [Fact]
    public async Task Catalogue_ThroughTrigger_SameAnswerAsAspNetHost()
    {
        var viaFunctions = await _functions.SendAsync("ListLicenceTypes", "GET", "/api/licence-types");
        var viaHost = await _app.CreateClient().GetStringAsync("/api/licence-types");

        viaFunctions.Status.Should().Be(200);
        viaFunctions.ContentType.Should().StartWith("application/json");
        JsonNode.DeepEquals(JsonNode.Parse(viaFunctions.Body), JsonNode.Parse(viaHost)).Should().BeTrue();
    }

    [Fact]
    public async Task OpenApiDocument_ThroughTrigger_SamePathsAsAspNetHost()
    {
        var viaFunctions = await _functions.SendAsync("OpenApiDocument", "GET", "/openapi/v1.json");
        var viaHost = await _app.CreateClient().GetFromJsonAsync<JsonObject>("/openapi/v1.json");

        viaFunctions.Status.Should().Be(200);
        var paths = JsonNode.Parse(viaFunctions.Body)!["paths"]!;
        JsonNode.DeepEquals(paths, viaHost!["paths"]).Should().BeTrue("the document is generated from the same endpoints with the same transformers");
    }

    [Fact]
    public async Task ApplicantRoute_NoToken_401ProblemDocumentAsOnAspNetHost()
    {
        var viaFunctions = await _functions.SendAsync("ListApplications", "GET", "/api/applications");
        var viaHost = await _app.CreateClient().GetAsync("/api/applications");

        viaFunctions.Status.Should().Be(401);
        viaFunctions.ContentType.Should().StartWith("application/problem+json");
        var problem = JsonNode.Parse(viaFunctions.Body)!;
        ((string?)problem["code"]).Should().Be("unauthorized");
        viaHost.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        ((string?)(await viaHost.Content.ReadFromJsonAsync<JsonObject>())!["code"]).Should().Be("unauthorized");
    }

    [Fact]
    public async Task OfficerRoute_ApplicantToken_403ProblemDocument()
    {
        var answer = await _functions.SendAsync("DepartmentTasks", "GET", "/api/departments/health/tasks", PipelineApp.Token("applicant-f1", "applicant"));

        answer.Status.Should().Be(403);
        ((string?)JsonNode.Parse(answer.Body)!["code"]).Should().Be("forbidden");
    }

    [Fact]
    public async Task Draft_DeclaredBodyOverLimit_413ProblemBeforeTheHandler()
    {
        var answer = await _functions.SendAsync("CreateDraft", "POST", "/api/applications", PipelineApp.Token("applicant-f2", "applicant"), contentLength: 2 * 1024 * 1024);

        answer.Status.Should().Be(413);
        ((string?)JsonNode.Parse(answer.Body)!["code"]).Should().Be("request-too-large");
    }

    [Fact]
    public async Task Probes_ThroughTriggers_LiveAndReadyWhenTheTaskHubHasOwners()
    {
        var live = await _functions.SendAsync("Liveness", "GET", "/healthz");
        live.Status.Should().Be(200);

        // The ASP.NET Core host of the fixture runs the task hub here, as the Functions host would in Azure.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        FunctionsApp.Answer ready;
        do
        {
            ready = await _functions.SendAsync("Readiness", "GET", "/readyz");
            if ((string?)JsonNode.Parse(ready.Body)!["checks"]!["durable"]!["status"] == "Healthy")
            {
                break;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        ready.Status.Should().Be(200, ready.Body);
        var durable = JsonNode.Parse(ready.Body)!["checks"]!["durable"]!;
        ((string?)durable["status"]).Should().Be("Healthy", ready.Body);
        ((string?)durable["description"]).Should().Contain("partitions of task hub '" + _app.HubName + "'");
    }

    [Fact]
    public async Task Case_CreatedAndSubmittedThroughTriggers_RunsAndReadsOnBothHosts()
    {
        var subject = "applicant-f3";
        var token = PipelineApp.Token(subject, "applicant");
        var draft = JsonSerializer.Serialize(new
        {
            licenceTypeId = TestCatalogue.AutoType,
            applicant = new { name = "上海味道餐饮管理有限公司", idNumber = Driver.CompanyId, phone = "13800138000" },
            form = new { scope = "热食类食品制售", address = "上海市黄浦区南京东路1号" },
        });

        var created = await _functions.SendAsync("CreateDraft", "POST", "/api/applications", token, draft);
        created.Status.Should().Be(201, created.Body);
        var id = (string)JsonNode.Parse(created.Body)!["id"]!;

        // Materials through the ASP.NET Core host: the same case, the same storage.
        var driver = new Driver(_app, subject);
        (await driver.UploadAsync(id, "application-form", TestFiles.Pdf(), "application/pdf")).StatusCode.Should().Be(HttpStatusCode.Created);
        (await driver.UploadAsync(id, "site-photo", TestFiles.Png(), "image/png", "photo.png")).StatusCode.Should().Be(HttpStatusCode.Created);

        // Submit through the trigger; its [DurableClient] (here the local runtime's client) starts the orchestration.
        var submitted = await _functions.SendAsync("SubmitApplication", "POST", $"/api/applications/{id}/submit", token, client: _app.Engine);
        submitted.Status.Should().Be(202, submitted.Body);
        (await _app.Engine.GetInstanceAsync(id)).Should().NotBeNull("the trigger's durable client scheduled the case orchestration");

        await driver.WaitForCaseAsync(id, v => (string?)v["status"] is not ("Draft" or "Submitted"), "acceptance");
        var viaFunctions = await _functions.SendAsync("GetApplication", "GET", $"/api/applications/{id}", token);
        viaFunctions.Status.Should().Be(200);
        ((string?)JsonNode.Parse(viaFunctions.Body)!["number"]).Should().Be((string?)JsonNode.Parse(created.Body)!["number"]);
    }

    [Fact]
    public async Task Submit_TriggerWithoutDurableClient_500ProblemNotAHalfAnswer()
    {
        var token = PipelineApp.Token("applicant-f4", "applicant");

        // A handler that needs the durable client, reached without one (a trigger missing [DurableClient]).
        var answer = await _functions.SendAsync("SubmitApplication", "POST", "/api/applications/0000/submit", token, client: null);

        answer.Status.Should().Be(500);
        answer.ContentType.Should().StartWith("application/problem+json");
    }
}
