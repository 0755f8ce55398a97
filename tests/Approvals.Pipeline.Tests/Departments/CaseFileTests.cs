using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Approvals.Pipeline.Tests.Pipeline;

namespace Approvals.Pipeline.Tests.Departments;

/// <summary>
/// The case file by officer token (内网办理): a department on the case reads it and downloads each material version;
/// everyone else is refused as a problem document; every access is on the timeline with the officer's subject.
/// </summary>
public sealed class CaseFileTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    [Fact]
    public async Task CaseFile_OfficerOfDepartmentOnCase_ReadsFileAndDownloadsEqualBytes()
    {
        var driver = new Driver(app, "applicant-file1");
        var id = await driver.CreateDraftAsync();
        var form = TestFiles.Pdf(5000);
        var photo = TestFiles.Png(3000);
        (await driver.UploadAsync(id, "application-form", form, "application/pdf", "申请书.pdf")).StatusCode.Should().Be(HttpStatusCode.Created);
        (await driver.UploadAsync(id, "site-photo", TestFiles.Png(100), "image/png", "old.png")).StatusCode.Should().Be(HttpStatusCode.Created);
        (await driver.UploadAsync(id, "site-photo", photo, "image/png", "../../etc/场所.png")).StatusCode.Should().Be(HttpStatusCode.Created);
        (await driver.Http.PostAsync($"/api/applications/{id}/submit", null)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await driver.WaitForTaskAsync(id, "health");
        using var officer = Officers.Client(app, "officer-zhao", "health");

        var response = await officer.GetAsync(Officers.FilePath(id, "health"));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var file = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        file["caseId"]!.GetValue<string>().Should().Be(id);
        file["task"]!["departmentId"]!.GetValue<string>().Should().Be("health");
        file["task"]!["status"]!.GetValue<string>().Should().Be("Pending");
        file["form"]!["scope"]!.GetValue<string>().Should().Be("热食类食品制售");
        // health co-handles: the applicant's ID number and phone are masked; the lead sees them in full (below).
        file["applicant"]!["masked"]!.GetValue<bool>().Should().BeTrue();
        file["applicant"]!["idNumber"]!.GetValue<string>().Should().Be(Driver.CompanyId[..4] + new string('*', 12) + Driver.CompanyId[^2..]);
        file["applicant"]!["phone"]!.GetValue<string>().Should().Be("138****8000");
        // The auto-accepting type has no acceptance step: the three reviewing departments' steps, this one included.
        file["steps"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).Should().Equal("market-supervision", "health", "fire-rescue");
        var photos = file["materials"]!.AsArray().Single(m => m!["materialId"]!.GetValue<string>() == "site-photo")!["versions"]!.AsArray();
        photos.Select(v => v!["version"]!.GetValue<int>()).Should().Equal(1, 2);
        var latest = photos[1]!;
        latest["sha256"]!.GetValue<string>().Should().Be(Convert.ToHexStringLower(SHA256.HashData(photo)));
        latest["size"]!.GetValue<long>().Should().Be(photo.Length);
        latest["fileName"]!.GetValue<string>().Should().Be("场所.png", "sanitised at upload");

        // The latest photo: the bytes and their SHA-256 equal the upload; the name in Content-Disposition is the sanitised one.
        var download = await officer.GetAsync(latest["href"]!.GetValue<string>());
        download.StatusCode.Should().Be(HttpStatusCode.OK);
        var bytes = await download.Content.ReadAsByteArrayAsync();
        bytes.Should().Equal(photo);
        Convert.ToHexStringLower(SHA256.HashData(bytes)).Should().Be(latest["sha256"]!.GetValue<string>());
        download.Content.Headers.ContentType!.MediaType.Should().Be("image/png");
        download.Content.Headers.ContentDisposition!.DispositionType.Should().Be("attachment");
        download.Content.Headers.ContentDisposition.FileNameStar.Should().Be("场所.png");
        download.Headers.GetValues("Repr-Digest").Single().Should().Be("sha-256=:" + Convert.ToBase64String(SHA256.HashData(photo)) + ":");

        // A range request: 206 with exactly those bytes.
        var formHref = file["materials"]!.AsArray().Single(m => m!["materialId"]!.GetValue<string>() == "application-form")!["versions"]![0]!["href"]!.GetValue<string>();
        using var ranged = new HttpRequestMessage(HttpMethod.Get, formHref);
        ranged.Headers.Range = new RangeHeaderValue(100, 199);
        var part = await officer.SendAsync(ranged);
        part.StatusCode.Should().Be(HttpStatusCode.PartialContent);
        (await part.Content.ReadAsByteArrayAsync()).Should().Equal(form[100..200]);
        part.Content.Headers.ContentRange!.Length.Should().Be(form.Length);

        // Every access is on the timeline: who (the token's subject), which department, which material.
        var accesses = (await Officers.TimelineAsync(app, id)).Where(e => e["type"]!.GetValue<string>() == "FileAccessed").ToList();
        accesses.Should().HaveCount(3);
        accesses.Should().OnlyContain(e => e["actor"]!.GetValue<string>() == "officer:health:officer-zhao" && e["department"]!.GetValue<string>() == "health");
        accesses.Select(e => Officers.Detail(e, "what")).Should().Equal("case-file", "material", "material");
        Officers.Detail(accesses[1], "materialId").Should().Be("site-photo");
        Officers.Detail(accesses[1], "version").Should().Be("2");
        Officers.Detail(accesses[2], "materialId").Should().Be("application-form");
        Officers.Detail(accesses[2], "range").Should().Be("bytes=100-199");

        // The lead department sees the applicant in full.
        using var lead = Officers.Client(app, "officer-qian", "market-supervision");
        var leadFile = (await lead.GetFromJsonAsync<JsonObject>(Officers.FilePath(id, "market-supervision")))!;
        leadFile["applicant"]!["idNumber"]!.GetValue<string>().Should().Be(Driver.CompanyId);
        leadFile["applicant"]!["masked"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task CaseFile_OtherDepartmentApplicantAnonymous_RefusedAndNothingRecorded()
    {
        var driver = new Driver(app, "applicant-file2");
        var id = await driver.SubmitCompleteCaseAsync(TestCatalogue.ManualType);
        // The manual type's acceptance step is the service centre's; only market-supervision reviews it later.
        await driver.WaitForTaskAsync(id, "service-centre");
        var href = $"{Officers.FilePath(id, "health")}/materials/application-form/versions/1";

        using var noStep = Officers.Client(app, "officer-sun", "health");
        using var otherDepartment = Officers.Client(app, "officer-li", "fire-rescue");
        using var anonymous = app.CreateClient();
        var refusals = new List<(HttpResponseMessage Response, HttpStatusCode Status, string Code)>
        {
            // health has no step on this case: exactly what a missing case answers.
            (await noStep.GetAsync(Officers.FilePath(id, "health")), HttpStatusCode.NotFound, "not-found"),
            (await noStep.GetAsync(href), HttpStatusCode.NotFound, "not-found"),
            (await noStep.GetAsync(Officers.FilePath(Guid.NewGuid().ToString("N"), "health")), HttpStatusCode.NotFound, "not-found"),
            // An officer of another department, for health's file.
            (await otherDepartment.GetAsync(Officers.FilePath(id, "health")), HttpStatusCode.Forbidden, "other-department"),
            (await otherDepartment.GetAsync(Officers.FilePath(id, "service-centre")), HttpStatusCode.Forbidden, "other-department"),
            // The applicant themself: the department file is not the applicant's surface.
            (await driver.Http.GetAsync(Officers.FilePath(id, "service-centre")), HttpStatusCode.Forbidden, "officers-only"),
            (await anonymous.GetAsync(Officers.FilePath(id, "service-centre")), HttpStatusCode.Unauthorized, "unauthorized"),
            (await anonymous.GetAsync($"{Officers.FilePath(id, "service-centre")}/materials/application-form/versions/1"), HttpStatusCode.Unauthorized, "unauthorized"),
        };

        foreach (var (response, status, code) in refusals)
        {
            response.StatusCode.Should().Be(status, response.RequestMessage!.RequestUri!.ToString());
            (await Officers.ProblemCodeAsync(response)).Should().Be(code);
        }

        // The service centre is on the case: its officer reads the file, and only that access is recorded.
        using var centre = Officers.Client(app, "officer-zhou", "service-centre");
        (await centre.GetAsync(Officers.FilePath(id, "service-centre"))).StatusCode.Should().Be(HttpStatusCode.OK);
        var missing = await centre.GetAsync($"{Officers.FilePath(id, "service-centre")}/materials/application-form/versions/9");
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Officers.ProblemCodeAsync(missing)).Should().Be("material-not-found");
        var accesses = (await Officers.TimelineAsync(app, id)).Where(e => e["type"]!.GetValue<string>() == "FileAccessed").ToList();
        accesses.Should().ContainSingle().Which["actor"]!.GetValue<string>().Should().Be("officer:service-centre:officer-zhou");
    }
}
