using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Approvals.Pipeline.Tests.Pipeline;

/// <summary>Drafts, submission pre-review and who may see what.</summary>
public sealed class ApplicantTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    [Fact]
    public async Task CreateDraft_SameIdempotencyKey_SameCaseOnce()
    {
        var driver = new Driver(app, "applicant-idem");
        var first = await driver.PostDraftAsync(TestCatalogue.AutoType, "key-1");
        var second = await driver.PostDraftAsync(TestCatalogue.AutoType, "key-1");
        first.StatusCode.Should().Be(HttpStatusCode.Created);
        second.StatusCode.Should().Be(HttpStatusCode.Created);
        var a = (await first.Content.ReadFromJsonAsync<JsonObject>())!;
        var b = (await second.Content.ReadFromJsonAsync<JsonObject>())!;
        b["id"]!.GetValue<string>().Should().Be(a["id"]!.GetValue<string>());
        b["number"]!.GetValue<string>().Should().Be(a["number"]!.GetValue<string>());
        a["status"]!.GetValue<string>().Should().Be("Draft");
        second.Headers.GetValues("Idempotent-Replayed").Should().Equal("true");

        var list = await driver.Http.GetFromJsonAsync<List<JsonObject>>("/api/applications");
        list!.Count(c => c["id"]!.GetValue<string>() == a["id"]!.GetValue<string>()).Should().Be(1);
        Licensing.Cases.CaseNumber.TryParse(a["number"]!.GetValue<string>(), out _).Should().BeTrue();
    }

    [Fact]
    public async Task CreateDraft_KeyReusedWithAnotherBody_422()
    {
        var driver = new Driver(app, "applicant-idem2");
        (await driver.PostDraftAsync(TestCatalogue.AutoType, "key-2")).StatusCode.Should().Be(HttpStatusCode.Created);
        var reused = await driver.PostDraftAsync(TestCatalogue.AutoType, "key-2", name: "另一家公司");
        reused.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await reused.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>().Should().Be("idempotency-key-reused");
    }

    [Fact]
    public async Task CreateDraft_UnknownTypeOrMissingApplicant_400()
    {
        using var http = app.Applicant("applicant-bad");
        var response = await http.PostAsJsonAsync("/api/applications", new { licenceTypeId = "nope", applicant = new { name = "" } });
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        problem["errors"]!.AsObject().Select(e => e.Key).Should().Contain(["licenceTypeId", "applicant.name", "applicant.idNumber", "applicant.phone"]);
    }

    [Fact]
    public async Task Submit_NothingUploaded_422ListsEveryMissingMaterialAtOnce()
    {
        var driver = new Driver(app, "applicant-422");
        var id = await driver.CreateDraftAsync();
        (await driver.UploadAsync(id, "floor-plan", TestFiles.Png(), "image/png")).StatusCode.Should().Be(HttpStatusCode.Created);
        var response = await driver.Http.PostAsync($"/api/applications/{id}/submit", null);
        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        problem["code"]!.GetValue<string>().Should().Be("materials-incomplete");
        problem["missingMaterials"]!.AsArray().Select(m => m!["materialId"]!.GetValue<string>()).Should().BeEquivalentTo(["application-form", "site-photo"]);
        problem["invalidMaterials"]!.AsArray().Should().BeEmpty();
        (await driver.GetCaseAsync(id))["status"]!.GetValue<string>().Should().Be("Draft");
        (await app.Engine.GetInstanceAsync(id)).Should().BeNull("nothing starts before the application is complete");
    }

    [Fact]
    public async Task Submit_Twice_OneOrchestration202Both()
    {
        var driver = new Driver(app, "applicant-twice");
        var id = await driver.SubmitCompleteCaseAsync();
        var again = await driver.Http.PostAsync($"/api/applications/{id}/submit", null);
        again.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var view = await driver.WaitForStatusAsync(id, "InReview");
        view["calendarVersion"]!.GetValue<string>().Should().NotBeNullOrEmpty("the calendar version is pinned at submission");
        (await app.Engine.GetInstanceAsync(id))!.Name.Should().Be("LicenceApproval");
    }

    [Fact]
    public async Task AnotherApplicant_CaseInvisibleEverywhere_404()
    {
        var owner = new Driver(app, "applicant-owner");
        var id = await owner.CreateDraftAsync();
        (await owner.UploadAsync(id, "application-form", TestFiles.Pdf(), "application/pdf")).StatusCode.Should().Be(HttpStatusCode.Created);
        var other = new Driver(app, "applicant-other");

        (await other.Http.GetAsync($"/api/applications/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.UploadAsync(id, "site-photo", TestFiles.Png(), "image/png")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.Http.PostAsync($"/api/applications/{id}/submit", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.Http.PostAsync($"/api/applications/{id}/withdraw", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.Http.PostAsJsonAsync($"/api/applications/{id}/complaints", new { text = "投诉" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.Http.GetAsync($"/api/applications/{id}/licence")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.Http.GetFromJsonAsync<List<JsonObject>>("/api/applications"))!.Should().BeEmpty();

        using var anonymous = app.CreateClient();
        (await anonymous.GetAsync($"/api/applications/{id}")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using var officer = app.Officer("health");
        (await officer.GetAsync($"/api/applications/{id}")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await owner.GetCaseAsync(id))["materials"]!.AsArray().Should().ContainSingle();
    }

    [Fact]
    public async Task Complaint_OwnCase_201AndEmptyText400()
    {
        var driver = new Driver(app, "applicant-complaint");
        var id = await driver.CreateDraftAsync();
        var response = await driver.Http.PostAsJsonAsync($"/api/applications/{id}/complaints", new { text = "窗口人员未一次性告知所需材料" });
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["caseId"]!.GetValue<string>().Should().Be(id);
        (await driver.Http.PostAsJsonAsync($"/api/applications/{id}/complaints", new { text = "" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task OpenApi_Document_ListsTheRoutes()
    {
        using var anonymous = app.CreateClient();
        var doc = await anonymous.GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        var paths = doc!["paths"]!.AsObject().Select(p => p.Key).ToList();
        paths.Should().Contain([
            "/api/applications", "/api/applications/{id}", "/api/applications/{id}/materials/{materialId}", "/api/applications/{id}/submit",
            "/api/applications/{id}/withdraw", "/api/applications/{id}/complaints", "/api/applications/{id}/licence", "/api/applications/{id}/licence.pdf",
            "/api/departments/{departmentId}/tasks", "/api/applications/{id}/departments/{departmentId}/decision",
            "/api/public/licences/{licenceNumber}", "/api/licence-types", "/api/licence-types/{typeId}",
        ]);
    }
}
