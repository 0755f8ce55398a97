using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Approvals.Pipeline.Tests.Pipeline;

namespace Approvals.Pipeline.Tests.Departments;

/// <summary>Officers, supervisors and back offices of the department tests, over a <see cref="PipelineApp"/>.</summary>
internal static class Officers
{
    /// <summary>An HTTP client carrying an officer token for <paramref name="subject"/> of <paramref name="department"/>.</summary>
    public static HttpClient Client(PipelineApp app, string subject, string department)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", PipelineApp.Token(subject, "officer", department));
        return client;
    }

    /// <summary>An officer of <paramref name="departments"/> who leads <paramref name="leads"/> (科室负责人).</summary>
    public static HttpClient Lead(PipelineApp app, string subject, string[] departments, string[] leads)
    {
        var client = app.CreateClient();
        var extra = new Dictionary<string, object> { ["department"] = departments, ["lead_department"] = leads };
        client.DefaultRequestHeaders.Authorization = new("Bearer", PipelineApp.Token(subject, "officer", null, extra));
        return client;
    }

    public static Task<HttpResponseMessage> ClaimAsync(HttpClient officer, string caseId, string department) =>
        officer.PostAsync($"/api/applications/{caseId}/departments/{department}/claim", null);

    public static string FilePath(string caseId, string department) => $"/api/applications/{caseId}/departments/{department}/file";

    /// <summary>
    /// The case's timeline entries, as a supervisor reads them, on a valid chain. The timeline read takes the entries
    /// and the chain head in two requests, so a read that races an append of a running case can see them at different
    /// moments and report the chain broken (<c>truncated</c> / <c>head-mismatch</c>); such a read is repeated, a
    /// chain still broken after 10 s fails.
    /// </summary>
    public static async Task<List<JsonObject>> TimelineAsync(PipelineApp app, string caseId)
    {
        using var supervisor = app.CreateClient();
        supervisor.DefaultRequestHeaders.Authorization = new("Bearer", PipelineApp.Token("inspector", "supervisor"));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        JsonObject timeline;
        while (true)
        {
            timeline = (await supervisor.GetFromJsonAsync<JsonObject>($"/api/supervision/applications/{caseId}/timeline"))!;
            if (timeline["chainValid"]!.GetValue<bool>() || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(50);
        }

        timeline["chainValid"]!.GetValue<bool>().Should().BeTrue(timeline.ToJsonString());
        return timeline["entries"]!.AsArray().Select(e => e!.AsObject()).ToList();
    }

    /// <summary>Waits until the timeline has an entry matching <paramref name="match"/> (timeline writes of activities land a moment later).</summary>
    public static async Task<List<JsonObject>> WaitForTimelineAsync(PipelineApp app, string caseId, Func<JsonObject, bool> match, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var entries = await TimelineAsync(app, caseId);
            if (entries.Any(match))
            {
                return entries;
            }

            if (DateTime.UtcNow > deadline)
            {
                var engine = await new Driver(app).EngineStateAsync(caseId);
                throw new TimeoutException($"No timeline entry for {what} on {caseId}: {string.Join(", ", entries.Select(e => e["type"]))}. {engine}");
            }

            await Task.Delay(50);
        }
    }

    public static string Detail(JsonObject entry, string key) => entry["details"]![key]?.GetValue<string>() ?? "";

    /// <summary>The <c>code</c> of a problem document, after checking the response is one.</summary>
    public static async Task<string> ProblemCodeAsync(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json", await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>();
    }
}
