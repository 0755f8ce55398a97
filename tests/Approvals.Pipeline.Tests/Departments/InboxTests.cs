using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Approvals.Pipeline.Tests.Pipeline;

namespace Approvals.Pipeline.Tests.Departments;

/// <summary>The inbox in order of urgency and filtered by due date (its own app: the clock moves working days on).</summary>
public sealed class InboxTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    private static DateTimeOffset Local(int m, int d, int h) => new DateTimeOffset(2026, m, d, h, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime();

    [Fact]
    public async Task Inbox_OverdueTaskFirst_DueFiltersSelectByDate()
    {
        var driver = new Driver(app, "applicant-inbox1");
        var late = await driver.SubmitCompleteCaseAsync();
        await driver.WaitForTaskAsync(late, "health");
        // health has 4 working days: received Monday 23 November, due Friday 27. On Wednesday 2 December it is overdue.
        await app.AdvanceToAsync(Local(12, 2, 9));
        var fresh = await driver.SubmitCompleteCaseAsync();
        await driver.WaitForTaskAsync(fresh, "health");
        using var officer = Officers.Client(app, "officer-kong", "health");

        var tasks = (await TaskAssignmentTests.Inbox(officer, "health", "")).Where(t => t.CaseId == late || t.CaseId == fresh).ToList();

        tasks.Select(t => t.CaseId).Should().Equal([late, fresh], "the overdue task comes first");
        tasks[0].Overdue.Should().BeTrue();
        tasks[0].DueDate.Should().Be(new DateOnly(2026, 11, 27));
        tasks[1].Overdue.Should().BeFalse();
        tasks[1].DueDate.Should().BeAfter(new DateOnly(2026, 12, 2));
        tasks.Should().OnlyContain(t => t.FileUrl == $"/api/applications/{t.CaseId}/departments/health/file");
        (await TaskAssignmentTests.Inbox(officer, "health", "?due=overdue")).Select(t => t.CaseId).Should().Contain(late).And.NotContain(fresh);
        (await TaskAssignmentTests.Inbox(officer, "health", "?due=today")).Select(t => t.CaseId).Should().Contain(late).And.NotContain(fresh);
        (await TaskAssignmentTests.Inbox(officer, "health", $"?due={tasks[1].DueDate:yyyy-MM-dd}")).Select(t => t.CaseId).Should().Contain([late, fresh]);
        (await TaskAssignmentTests.Inbox(officer, "health", "?status=decided")).Should().NotContain(t => t.CaseId == late || t.CaseId == fresh);
    }

    [Fact]
    public async Task OpenApi_Document_ListsTheDepartmentRoutes()
    {
        using var anonymous = app.CreateClient();
        var doc = await anonymous.GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        var paths = doc!["paths"]!.AsObject();
        paths.Select(p => p.Key).Should().Contain([
            "/api/applications/{id}/departments/{departmentId}/file",
            "/api/applications/{id}/departments/{departmentId}/file/materials/{materialId}/versions/{version}",
            "/api/applications/{id}/departments/{departmentId}/claim",
            "/api/applications/{id}/departments/{departmentId}/release",
            "/api/applications/{id}/departments/{departmentId}/assign",
        ]);
        var download = paths["/api/applications/{id}/departments/{departmentId}/file/materials/{materialId}/versions/{version}"]!["get"]!["responses"]!.AsObject();
        download.Select(r => r.Key).Should().Contain(["200", "206", "401", "403", "404"]);

        // Every department operation has a sample request in the .http file.
        var samples = File.ReadAllLines(Path.Combine(Infra.InfraModel.RepoRoot, "src", "Approvals.Host", "Approvals.http"))
            .Where(l => l.StartsWith("GET ", StringComparison.Ordinal) || l.StartsWith("POST ", StringComparison.Ordinal))
            .Select(l => (Method: l[..l.IndexOf(' ', StringComparison.Ordinal)], Path: l[(l.IndexOf("}}", StringComparison.Ordinal) + 2)..].Split('?')[0]))
            .ToList();
        foreach (var (path, item) in paths.Where(p => p.Key.Contains("/departments/", StringComparison.Ordinal)))
        {
            var pattern = new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Replace(path, "\\{[^}]+\\}", "[^/]+") + "$");
            foreach (var method in item!.AsObject().Select(o => o.Key.ToUpperInvariant()))
            {
                samples.Should().Contain(s => s.Method == method && pattern.IsMatch(s.Path), $"Approvals.http has a sample of {method} {path}");
            }
        }
    }
}
