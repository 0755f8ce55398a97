using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs.Models;

namespace Approvals.Pipeline.Tests.Pipeline;

/// <summary>Uploads: checked by content, size and name; versioned; a refused upload leaves nothing behind.</summary>
public sealed class MaterialTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    [Fact]
    public async Task Upload_Pdf_StoredWithSha256AndReuploadKeepsOldVersion()
    {
        var driver = new Driver(app, "applicant-up1");
        var id = await driver.CreateDraftAsync();
        var v1 = TestFiles.Pdf(5000);
        var first = await driver.UploadAsync(id, "application-form", v1, "application/pdf", "申请书.pdf");
        first.StatusCode.Should().Be(HttpStatusCode.Created);
        var stored = (await first.Content.ReadFromJsonAsync<JsonObject>())!;
        stored["sha256"]!.GetValue<string>().Should().Be(Convert.ToHexStringLower(SHA256.HashData(v1)));
        stored["size"]!.GetValue<long>().Should().Be(5000);
        stored["version"]!.GetValue<int>().Should().Be(1);
        stored["fileName"]!.GetValue<string>().Should().Be("申请书.pdf");

        var second = await driver.UploadAsync(id, "application-form", TestFiles.Pdf(6000), "application/pdf", "申请书-v2.pdf");
        (await second.Content.ReadFromJsonAsync<JsonObject>())!["version"]!.GetValue<int>().Should().Be(2);
        var view = await driver.GetCaseAsync(id);
        var material = view["materials"]!.AsArray().Single()!;
        material["version"]!.GetValue<int>().Should().Be(2);
        (await BlobsAsync(id)).Should().HaveCount(2, "a re-upload keeps the previous version");
    }

    [Fact]
    public async Task Upload_OverTheLimit_413AndNoBlobNoRecord()
    {
        var driver = new Driver(app, "applicant-up2");
        var id = await driver.CreateDraftAsync();
        // No Content-Length: the limit must be enforced while streaming.
        var content = new StreamContent(new GeneratedStream(1_048_577));
        var response = await driver.UploadAsync(id, "application-form", content, "application/pdf");
        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>().Should().Be("material-too-large");
        (await driver.GetCaseAsync(id))["materials"]!.AsArray().Should().BeEmpty();
        (await BlobsAsync(id)).Should().BeEmpty();
    }

    [Fact]
    public async Task Upload_PngDeclaredAsPdf_415AndNoBlobNoRecord()
    {
        var driver = new Driver(app, "applicant-up3");
        var id = await driver.CreateDraftAsync();
        var response = await driver.UploadAsync(id, "application-form", TestFiles.Png(), "application/pdf", "form.pdf");
        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        problem["code"]!.GetValue<string>().Should().Be("content-mismatch");
        problem["detectedContentType"]!.GetValue<string>().Should().Be("image/png");
        (await driver.GetCaseAsync(id))["materials"]!.AsArray().Should().BeEmpty();
        (await BlobsAsync(id)).Should().BeEmpty();
    }

    [Fact]
    public async Task Upload_TypeNotAllowedForMaterial_415()
    {
        var driver = new Driver(app, "applicant-up4");
        var id = await driver.CreateDraftAsync();
        (await driver.UploadAsync(id, "application-form", TestFiles.Png(), "image/png")).StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        (await driver.UploadAsync(id, "application-form", "hello"u8.ToArray(), "text/plain")).StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        (await driver.UploadAsync(id, "no-such-material", TestFiles.Pdf(), "application/pdf")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("../../etc/passwd.pdf", "passwd.pdf")]
    [InlineData("..\\..\\Windows\\system32\\evil.pdf", "evil.pdf")]
    [InlineData("C:stuff.pdf", "stuff.pdf")]
    [InlineData("..", "application-form.pdf")]
    [InlineData("a<b>|c?.pdf", "abc.pdf")]
    public async Task Upload_PathTraversalFileName_Sanitised(string raw, string expected)
    {
        var driver = new Driver(app, "applicant-up5");
        var id = await driver.CreateDraftAsync();
        var response = await driver.UploadAsync(id, "application-form", TestFiles.Pdf(), "application/pdf", raw);
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["fileName"]!.GetValue<string>().Should().Be(expected);
        (await BlobsAsync(id)).Should().OnlyContain(b => b.StartsWith(id + "/application-form/", StringComparison.Ordinal) && !b.Contains("..", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Upload_AfterSubmitWithoutSupplementRequest_409()
    {
        var driver = new Driver(app, "applicant-up6");
        var id = await driver.SubmitCompleteCaseAsync();
        var response = await driver.UploadAsync(id, "floor-plan", TestFiles.Png(), "image/png");
        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    /// <summary>Every blob of the case, committed or not (uncommitted blocks would be a partial upload).</summary>
    private async Task<List<string>> BlobsAsync(string caseId)
    {
        var names = new List<string>();
        await foreach (var b in app.Storage.Materials.GetBlobsAsync(BlobTraits.None, BlobStates.Uncommitted, caseId + "/", CancellationToken.None))
        {
            names.Add(b.Name);
        }

        return names;
    }
}
