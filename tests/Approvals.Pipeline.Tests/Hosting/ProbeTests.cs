using System.Net;
using System.Text.Json.Nodes;
using Approvals.Pipeline.Tests.Pipeline;
using FluentAssertions;
using Xunit;

namespace Approvals.Pipeline.Tests.Hosting;

/// <summary>Liveness and readiness probes against the real Azurite, and against an unreachable account.</summary>
public sealed class ProbeTests
{
    private const string Unreachable =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
        + "BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;";

    [Fact]
    public async Task Ready_once_storage_answers_and_the_runtime_owns_its_partitions()
    {
        using var app = new PipelineApp();
        using var http = app.CreateClient();

        (await http.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK);
        JsonObject? report = null;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var response = await http.GetAsync("/readyz");
            report = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            // Healthy from the first partition owned; the leases of the others can follow a little later on a busy machine.
            if (response.StatusCode == HttpStatusCode.OK && report["status"]!.GetValue<string>() == "Healthy"
                && report["checks"]!["durable"]!["data"]!["owned"]!.AsArray().Count == 2)
            {
                break;
            }

            await Task.Delay(200);
        }

        report!["status"]!.GetValue<string>().Should().Be("Healthy", report.ToJsonString());
        report["checks"]!["storage"]!["status"]!.GetValue<string>().Should().Be("Healthy");
        report["checks"]!["durable"]!["data"]!["owned"]!.AsArray().Select(p => p!.GetValue<int>()).Should().BeEquivalentTo([0, 1]);
    }

    [Fact]
    public async Task Not_ready_but_alive_when_storage_is_unreachable()
    {
        using var app = new PipelineApp();
        app.Settings["AzureWebJobsStorage"] = Unreachable;
        using var http = app.CreateClient();

        (await http.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK, "liveness checks no dependency");
        var ready = await http.GetAsync("/readyz");
        var report = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;

        ready.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        report["checks"]!["storage"]!["status"]!.GetValue<string>().Should().Be("Unhealthy");
        report["checks"]!["durable"]!["status"]!.GetValue<string>().Should().Be("Unhealthy");
    }
}
