using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Approvals.Pipeline.Supervision;
using Approvals.Licensing.Clock;

namespace Approvals.Pipeline.Tests.Supervision;

public sealed class StatsTests(SupervisionHost host) : IClassFixture<SupervisionHost>
{
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task GetStats_RecordedFactsAcrossMonths_FiguresPerDepartmentAndLicenceType()
    {
        // Four food cases (market + health) and one pharmacy case (health), received in November and December 2025.
        var nov = new DateTimeOffset(2025, 11, 20, 2, 0, 0, TimeSpan.Zero);
        var dec = new DateTimeOffset(2025, 12, 3, 2, 0, 0, TimeSpan.Zero);
        var cases = Enumerable.Range(0, 5).Select(_ => SupervisionHost.NewCaseId()).ToArray();
        for (var i = 0; i < 4; i++)
        {
            await host.Recorder.RecordReceivedAsync(new CaseReceived(cases[i], "F" + i, "food", ["market", "health"], i < 2 ? nov : dec), _ct);
        }

        await host.Recorder.RecordReceivedAsync(new CaseReceived(cases[4], "P", "pharmacy", ["health"], dec), _ct);
        await host.Recorder.RecordReceivedAsync(new CaseReceived(cases[4], "P", "pharmacy", ["health"], dec), _ct);   // re-run: idempotent

        // Decisions: market decides cases 0,1 (on time, 4 and 6 days) and 2 (late, 11 days); health decides case 0 on time (2 days).
        await Decide(cases[0], "food", "market", dec, 4, true);
        await Decide(cases[1], "food", "market", dec, 6, true);
        await Decide(cases[2], "food", "market", dec.AddDays(5), 11, false);
        await Decide(cases[2], "food", "market", dec.AddDays(5), 11, false);   // re-run: idempotent
        await Decide(cases[0], "food", "health", dec, 2, true);
        await Decide(cases[0], "food", null, dec, 4, true);
        await Decide(cases[1], "food", null, dec.AddDays(1), 8, false, "Rejected");

        // Overdue now: case 3 has a yellow card at health, case 4 a red card at health; a warning is not overdue.
        await host.Recorder.RaiseAlertAsync(new AlertRaised(cases[3], "F3", "food", "health", AlertLevel.Yellow, dec, null), _ct);
        await host.Recorder.RaiseAlertAsync(new AlertRaised(cases[4], "P", "pharmacy", "health", AlertLevel.Red, dec, null), _ct);
        await host.Recorder.RaiseAlertAsync(new AlertRaised(cases[3], "F3", "food", "market", AlertLevel.Warning, dec, null), _ct);

        using var client = host.Client();
        var stats = await client.GetFromJsonAsync<JsonElement>("/api/supervision/stats?from=2025-11-01&to=2025-12-31", _ct);

        var market = Find(stats, "departments", "market");
        market.GetProperty("received").GetInt32().Should().Be(4);
        market.GetProperty("decided").GetInt32().Should().Be(3);
        market.GetProperty("onTime").GetInt32().Should().Be(2);
        market.GetProperty("onTimeRate").GetDouble().Should().BeApproximately(2.0 / 3, 0.0001);
        market.GetProperty("averageWorkingDays").GetDouble().Should().Be(7);
        market.GetProperty("overdue").GetInt32().Should().Be(0);

        var health = Find(stats, "departments", "health");
        health.GetProperty("received").GetInt32().Should().Be(5);
        health.GetProperty("decided").GetInt32().Should().Be(1);
        health.GetProperty("onTimeRate").GetDouble().Should().Be(1);
        health.GetProperty("overdue").GetInt32().Should().Be(2);

        var food = Find(stats, "licenceTypes", "food");
        food.GetProperty("received").GetInt32().Should().Be(4);
        food.GetProperty("decided").GetInt32().Should().Be(2);
        food.GetProperty("onTimeRate").GetDouble().Should().Be(0.5);
        food.GetProperty("averageWorkingDays").GetDouble().Should().Be(6);
        food.GetProperty("overdue").GetInt32().Should().Be(1);
        food.GetProperty("outcomes").GetProperty("Rejected").GetInt32().Should().Be(1);

        var pharmacy = Find(stats, "licenceTypes", "pharmacy");
        pharmacy.GetProperty("received").GetInt32().Should().Be(1);
        pharmacy.GetProperty("decided").GetInt32().Should().Be(0);
        pharmacy.GetProperty("onTimeRate").ValueKind.Should().Be(JsonValueKind.Null);
        pharmacy.GetProperty("overdue").GetInt32().Should().Be(1);

        stats.GetProperty("total").GetProperty("received").GetInt32().Should().Be(5);
    }

    [Fact]
    public async Task GetStats_PeriodBoundaries_AreChinaCalendarDays()
    {
        // 2024-10-31T16:30Z is already 1 November in China. (Another year than the other tests of this class, which
        // share the host: their totals must not depend on the order the tests run in.)
        var caseId = SupervisionHost.NewCaseId();
        await host.Recorder.RecordReceivedAsync(new CaseReceived(caseId, "B", "boundary-" + caseId[..6], ["b-dept"], new DateTimeOffset(2024, 10, 31, 16, 30, 0, TimeSpan.Zero)), _ct);

        using var client = host.Client();
        var october = await client.GetFromJsonAsync<JsonElement>("/api/supervision/stats?from=2024-10-01&to=2024-10-31", _ct);
        var november = await client.GetFromJsonAsync<JsonElement>("/api/supervision/stats?from=2024-11-01&to=2024-11-01", _ct);

        var type = "boundary-" + caseId[..6];
        october.GetProperty("licenceTypes").EnumerateArray().Select(t => t.GetProperty("id").GetString()).Should().NotContain(type);
        Find(november, "licenceTypes", type).GetProperty("received").GetInt32().Should().Be(1);
    }

    [Theory]
    [InlineData("from=2025-13-01")]
    [InlineData("from=yesterday")]
    [InlineData("from=2025-12-01&to=2025-11-01")]
    [InlineData("from=2020-01-01&to=2025-01-01")]
    public async Task GetStats_InvalidPeriod_400Problem(string query)
    {
        using var client = host.Client();
        var response = await client.GetAsync("/api/supervision/stats?" + query, _ct);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(_ct);
        problem.GetProperty("code").GetString().Should().BeOneOf("invalid-date", "invalid-range");
    }

    [Fact]
    public async Task GetStats_NoPeriod_DefaultsToCurrentMonthInChina()
    {
        using var client = host.Client();
        var stats = await client.GetFromJsonAsync<JsonElement>("/api/supervision/stats", _ct);
        stats.GetProperty("from").GetString().Should().Be("2026-11-01");
        stats.GetProperty("to").GetString().Should().Be("2026-11-23");
    }

    private Task Decide(string caseId, string type, string? dept, DateTimeOffset at, int days, bool onTime, string outcome = "Approved") =>
        host.Recorder.RecordDecidedAsync(new StepDecided(caseId, "N", type, dept, outcome, at, days, onTime), _ct);

    private static JsonElement Find(JsonElement stats, string list, string id) =>
        stats.GetProperty(list).EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);
}
