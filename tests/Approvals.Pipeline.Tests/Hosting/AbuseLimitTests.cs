using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Approvals.Pipeline.Tests.Pipeline;
using FluentAssertions;
using Xunit;

namespace Approvals.Pipeline.Tests.Hosting;

/// <summary>Per-client rate limits (429) and request size limits (413), both as problem documents.</summary>
public sealed class AbuseLimitTests
{
    [Fact]
    public async Task Public_routes_are_limited_per_client_with_a_retry_after()
    {
        using var app = new PipelineApp();
        app.Settings["RateLimiting:PublicPermitsPerMinute"] = "3";
        using var http = app.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            (await http.GetAsync("/api/licence-types")).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var refused = await http.GetAsync("/api/public/register");

        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter!.Delta.Should().BeGreaterThan(TimeSpan.Zero);
        refused.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await refused.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>().Should().Be("rate-limited");
        (await http.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK, "probes are never limited");
    }

    [Fact]
    public async Task Applicants_are_limited_each_on_their_own()
    {
        using var app = new PipelineApp();
        app.Settings["RateLimiting:ApplicantPermitsPerMinute"] = "3";
        using var first = app.Applicant("applicant-a");
        using var second = app.Applicant("applicant-b");

        for (var i = 0; i < 3; i++)
        {
            (await first.GetAsync("/api/applications")).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        (await first.GetAsync("/api/applications")).StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        (await second.GetAsync("/api/applications")).StatusCode.Should().Be(HttpStatusCode.OK, "another applicant has a bucket of their own");
    }

    [Fact]
    public async Task An_oversized_json_body_is_refused_before_it_is_read()
    {
        using var app = new PipelineApp();
        app.Settings["Limits:MaxRequestBodyBytes"] = "4096";
        var driver = new Driver(app, "big-body");
        var body = "{\"licenceTypeId\":\"" + TestCatalogue.AutoType + "\",\"padding\":\"" + new string('x', 5000) + "\"}";

        var response = await driver.Http.PostAsync("/api/applications", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        problem["code"]!.GetValue<string>().Should().Be("request-too-large");
        problem["detail"]!.GetValue<string>().Should().Contain("4096");
        (await driver.Http.GetFromJsonAsync<JsonArray>("/api/applications"))!.Should().BeEmpty("nothing was written");
    }

    [Fact]
    public async Task Material_uploads_are_bounded_by_the_catalogue_not_by_the_host_limit()
    {
        using var app = new PipelineApp();
        app.Settings["Limits:MaxRequestBodyBytes"] = "4096";
        var driver = new Driver(app, "uploader");
        var id = await driver.CreateDraftAsync();

        var response = await driver.UploadAsync(id, "big-archive", TestFiles.Pdf(64 * 1024), "application/pdf", "archive.pdf");

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_openapi_document_declares_the_limits()
    {
        using var app = new PipelineApp();
        using var http = app.CreateClient();

        var paths = (await http.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!["paths"]!;

        paths["/api/public/register"]!["get"]!["responses"]!.AsObject().Should().ContainKey("429");
        paths["/api/applications"]!["post"]!["responses"]!.AsObject().Should().ContainKeys("413", "429");
        paths["/api/supervision/alerts"]!["get"]!["responses"]!.AsObject().Should().NotContainKey("429");
    }
}
