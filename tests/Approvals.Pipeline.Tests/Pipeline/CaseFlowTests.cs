using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Pipeline.Tests.Pipeline;

/// <summary>Whole cases through the HTTP API and the orchestrations: issuance, rejection, withdrawal.</summary>
public sealed class CaseFlowTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    [Fact]
    public async Task FullCase_ThreeDepartmentsApprove_LicenceIssuedSignedAndVerifiable()
    {
        var driver = new Driver(app, "applicant-full");
        var id = await driver.SubmitCompleteCaseAsync();
        var accepted = await driver.WaitForStatusAsync(id, "InReview");
        accepted["acceptedAt"].Should().NotBeNull();
        await driver.AssertViewMatchesPartitionAsync(id);

        foreach (var department in TestCatalogue.Departments)
        {
            var taskId = await driver.WaitForTaskAsync(id, department);
            var answer = await driver.DecideAsync(id, department, Driver.Approve(taskId));
            answer.StatusCode.Should().Be(HttpStatusCode.Accepted, await answer.Content.ReadAsStringAsync());
        }

        var issued = await driver.WaitForStatusAsync(id, "Issued");
        issued["departments"]!.AsArray().Select(d => d!["status"]!.GetValue<string>()).Should().AllBe("Approved");
        await driver.AssertViewMatchesPartitionAsync(id);
        issued["dueDate"].Should().NotBeNull(issued.ToJsonString());
        var licenceNumber = issued["licence"]!["licenceNumber"]!.GetValue<string>();

        var licence = await driver.Http.GetFromJsonAsync<JsonObject>($"/api/applications/{id}/licence");
        licence!["jws"]!.GetValue<string>().Split('.').Should().HaveCount(3);
        licence["document"]!["holder"]!["name"]!.GetValue<string>().Should().Be("上海味道餐饮管理有限公司");
        licence["document"]!["scope"]!.GetValue<string>().Should().Be("热食类食品制售");

        var pdf = await driver.Http.GetAsync($"/api/applications/{id}/licence.pdf");
        pdf.StatusCode.Should().Be(HttpStatusCode.OK);
        pdf.Content.Headers.ContentType!.MediaType.Should().Be("application/pdf");
        (await pdf.Content.ReadAsByteArrayAsync()).Take(5).Should().Equal("%PDF-"u8.ToArray());

        using var anonymous = app.CreateClient();
        var verification = await anonymous.GetFromJsonAsync<JsonObject>($"/api/public/licences/{licenceNumber}");
        verification!["valid"]!.GetValue<bool>().Should().BeTrue();
        verification["signature"]!["valid"]!.GetValue<bool>().Should().BeTrue();
        verification["holder"]!["idNumber"]!.GetValue<string>().Should().Contain("*").And.NotBe(Driver.CompanyId);
        verification["licenceTypeId"]!.GetValue<string>().Should().Be(TestCatalogue.AutoType);

        // Every step was recorded for the supervisors, in order, on an intact hash chain.
        using var supervisor = app.CreateClient();
        supervisor.DefaultRequestHeaders.Authorization = new("Bearer", PipelineApp.Token("supervisor-1", "supervisor"));
        var timeline = await supervisor.GetFromJsonAsync<JsonObject>($"/api/supervision/applications/{id}/timeline");
        timeline!["chainValid"]!.GetValue<bool>().Should().BeTrue();
        var types = timeline["entries"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()).ToList();
        types.Should().ContainInOrder("MaterialUploaded", "Submitted", "Accepted", "Approved", "LicenceIssued", "Published");
        types.Count(t => t == "DepartmentNotified").Should().Be(3);
        types.Count(t => t == "DepartmentDecided").Should().Be(3);
    }

    [Fact]
    public async Task Case_OneDepartmentRejects_RejectedWithEveryReason()
    {
        var driver = new Driver(app, "applicant-reject");
        var id = await driver.SubmitCompleteCaseAsync();
        var tasks = new Dictionary<string, string>();
        foreach (var department in TestCatalogue.Departments)
        {
            tasks[department] = await driver.WaitForTaskAsync(id, department);
        }

        (await driver.DecideAsync(id, "market-supervision", Driver.Approve(tasks["market-supervision"]))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await driver.DecideAsync(id, "health", Driver.Reject(tasks["health"], "从业人员健康证明过期", "缺少消毒设施"))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await driver.DecideAsync(id, "fire-rescue", Driver.Reject(tasks["fire-rescue"], "疏散通道被占用"))).StatusCode.Should().Be(HttpStatusCode.Accepted);

        var rejected = await driver.WaitForStatusAsync(id, "Rejected");
        await driver.AssertViewMatchesPartitionAsync(id);
        var reasons = rejected["reasons"]!.AsArray().Select(r => (r!["departmentId"]!.GetValue<string>(), r["reason"]!.GetValue<string>())).ToList();
        reasons.Should().BeEquivalentTo(new[] { ("health", "从业人员健康证明过期"), ("health", "缺少消毒设施"), ("fire-rescue", "疏散通道被占用") });
        rejected["licence"].Should().BeNull();
        (await driver.Http.GetAsync($"/api/applications/{id}/licence")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Withdraw_MidReview_CancelsOpenTasksAndLaterCallbacksConflict()
    {
        var driver = new Driver(app, "applicant-withdraw");
        var id = await driver.SubmitCompleteCaseAsync();
        var tasks = new Dictionary<string, string>();
        foreach (var department in TestCatalogue.Departments)
        {
            tasks[department] = await driver.WaitForTaskAsync(id, department);
        }

        (await driver.DecideAsync(id, "market-supervision", Driver.Approve(tasks["market-supervision"]))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await driver.Http.PostAsync($"/api/applications/{id}/withdraw", null)).StatusCode.Should().Be(HttpStatusCode.Accepted);

        var withdrawn = await driver.WaitForCaseAsync(id, v => v["status"]!.GetValue<string>() == "Withdrawn"
            && Driver.Department(v, "health")["status"]!.GetValue<string>() == "Cancelled"
            && Driver.Department(v, "fire-rescue")["status"]!.GetValue<string>() == "Cancelled", "withdrawal with cancelled tasks");
        Driver.Department(withdrawn, "market-supervision")["status"]!.GetValue<string>().Should().Be("Approved");
        await driver.AssertViewMatchesPartitionAsync(id);

        using var officer = app.Officer("health");
        var inbox = await officer.GetFromJsonAsync<List<JsonObject>>("/api/departments/health/tasks?status=pending");
        inbox!.Should().NotContain(t => t["caseId"]!.GetValue<string>() == id);
        var late = await driver.DecideAsync(id, "health", Driver.Approve(tasks["health"]));
        late.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await driver.Http.PostAsync($"/api/applications/{id}/withdraw", null)).StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task TwoCases_RowsOfTheirPartitions_ShareNoRowKey()
    {
        // The emulator scans every row sharing a row key on each lookup: a key common to all cases would make every
        // case-row operation cost in proportion to the cases stored (see CaseKeys).
        var driver = new Driver(app, "applicant-keys");
        var first = await driver.SubmitCompleteCaseAsync();
        var second = await driver.SubmitCompleteCaseAsync();
        await driver.WaitForStatusAsync(first, "InReview");
        await driver.WaitForStatusAsync(second, "InReview");
        var table = app.Services.GetRequiredService<global::Approvals.Pipeline.Cases.CaseStore>().Storage.Cases;

        async Task<List<string>> RowKeysAsync(string caseId)
        {
            var keys = new List<string>();
            await foreach (var e in table.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == caseId, select: ["RowKey"]))
            {
                keys.Add(e.RowKey);
            }

            return keys;
        }

        var firstKeys = await RowKeysAsync(first);
        var secondKeys = await RowKeysAsync(second);
        firstKeys.Should().HaveCountGreaterThan(5, "case, view, the steps and the materials");
        firstKeys.Should().NotIntersectWith(secondKeys);
    }
}
