using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Approvals.Pipeline.Supervision;
using Approvals.Licensing.Clock;

namespace Approvals.Pipeline.Tests.Supervision;

public sealed class AlertTests(SupervisionHost host) : IClassFixture<SupervisionHost>
{
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task RaiseAlertAsync_SameAlertTwice_OneOpenAlert()
    {
        var caseId = SupervisionHost.NewCaseId();
        var dept = "dept-" + caseId[..6];
        await Raise(caseId, dept, AlertLevel.Warning);
        await Raise(caseId, dept, AlertLevel.Warning);

        var alerts = await Get($"/api/supervision/alerts?department={dept}");
        alerts.Should().ContainSingle();
        alerts[0].GetProperty("level").GetString().Should().Be("warning");
        alerts[0].GetProperty("label").GetString().Should().Be("预警");
        alerts[0].GetProperty("caseId").GetString().Should().Be(caseId);
        alerts[0].GetProperty("dueDate").GetString().Should().Be("2026-11-24");
    }

    [Fact]
    public async Task RaiseAlertAsync_Escalation_LevelOnlyRises()
    {
        var caseId = SupervisionHost.NewCaseId();
        var dept = "dept-" + caseId[..6];
        await Raise(caseId, dept, AlertLevel.Warning);
        await Raise(caseId, dept, AlertLevel.Red);
        await Raise(caseId, dept, AlertLevel.Yellow);   // late re-run of a lower alert

        var alerts = await Get($"/api/supervision/alerts?department={dept}");
        alerts.Should().ContainSingle().Which.GetProperty("level").GetString().Should().Be("red");
        (await Get($"/api/supervision/alerts?level=red&department={dept}")).Should().ContainSingle();
        (await Get($"/api/supervision/alerts?level=warning&department={dept}")).Should().BeEmpty();
    }

    [Fact]
    public async Task CloseAlertsAsync_OneDepartment_ClosesOnlyThatStep()
    {
        var caseId = SupervisionHost.NewCaseId();
        var a = "a-" + caseId[..6];
        var b = "b-" + caseId[..6];
        await Raise(caseId, a, AlertLevel.Yellow);
        await Raise(caseId, b, AlertLevel.Yellow);
        await Raise(caseId, null, AlertLevel.Warning);

        await host.Recorder.CloseAlertsAsync(caseId, a, host.Time.GetUtcNow(), _ct);

        (await Get($"/api/supervision/alerts?department={a}")).Should().BeEmpty();
        (await Get($"/api/supervision/alerts?department={b}")).Should().ContainSingle();
        (await OpenOf(caseId)).Should().HaveCount(2);
    }

    [Fact]
    public async Task CloseAlertsAsync_WholeCase_ClosesEveryStepAndIsRepeatable()
    {
        var caseId = SupervisionHost.NewCaseId();
        await Raise(caseId, "x", AlertLevel.Yellow);
        await Raise(caseId, "y", AlertLevel.Red);
        await Raise(caseId, null, AlertLevel.Yellow);
        var other = SupervisionHost.NewCaseId();
        await Raise(other, "x", AlertLevel.Yellow);

        await host.Recorder.CloseAlertsAsync(caseId, null, host.Time.GetUtcNow(), _ct);
        await host.Recorder.CloseAlertsAsync(caseId, null, host.Time.GetUtcNow(), _ct);

        (await OpenOf(caseId)).Should().BeEmpty();
        (await OpenOf(other)).Should().ContainSingle();
    }

    [Fact]
    public async Task GetAlerts_LevelFilter_OnlyThatLevel()
    {
        var caseId = SupervisionHost.NewCaseId();
        await Raise(caseId, "p", AlertLevel.Warning);
        await Raise(caseId, "q", AlertLevel.Yellow);

        var yellow = await Get("/api/supervision/alerts?level=YELLOW");
        yellow.Should().OnlyContain(a => a.GetProperty("level").GetString() == "yellow");
        yellow.Should().Contain(a => a.GetProperty("caseId").GetString() == caseId && a.GetProperty("department").GetString() == "q");
    }

    [Fact]
    public async Task GetAlerts_UnknownLevel_400ProblemWithStableType()
    {
        using var client = host.Client();
        var response = await client.GetAsync("/api/supervision/alerts?level=orange", _ct);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(_ct);
        problem.GetProperty("type").GetString().Should().Be("/problems/invalid-alert-level");
        problem.GetProperty("code").GetString().Should().Be("invalid-alert-level");
    }

    [Fact]
    public async Task GetAlerts_ApplicantToken_403()
    {
        using var client = host.Client("applicant");
        (await client.GetAsync("/api/supervision/alerts", _ct)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    private Task Raise(string caseId, string? dept, AlertLevel level) =>
        host.Recorder.RaiseAlertAsync(new AlertRaised(caseId, "N-" + caseId[..6], "food-licence", dept, level, host.Time.GetUtcNow(), new DateOnly(2026, 11, 24)), _ct);

    private async Task<List<JsonElement>> OpenOf(string caseId) =>
        (await Get("/api/supervision/alerts")).Where(a => a.GetProperty("caseId").GetString() == caseId).ToList();

    private async Task<List<JsonElement>> Get(string path)
    {
        using var client = host.Client();
        var body = await client.GetFromJsonAsync<JsonElement>(path, _ct);
        return body.GetProperty("items").EnumerateArray().ToList();
    }
}
