using System.Globalization;
using System.Net;
using System.Text;
using Approvals.Pipeline.Tests.Pipeline;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Approvals.Pipeline.Tests.Departments;

/// <summary>
/// The officer workbench in headless Chromium (Debian's, installed by scripts/test-prereqs.sh) against the whole
/// pipeline on a real Kestrel socket: an officer opens a task, views a PDF material, requests a supplement, later
/// approves — and the applicant's status shows it.
/// </summary>
public sealed class WorkbenchTests(KestrelPipelineApp app, ITestOutputHelper output) : IClassFixture<KestrelPipelineApp>
{
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token;

    [Fact]
    public async Task Workbench_OfficerViewsPdfRequestsSupplementThenApproves_ApplicantSeesEachStep()
    {
        var driver = new Driver(app, "applicant-wb1");
        var id = await driver.CreateDraftAsync();
        var pdf = MinimalPdf();
        (await driver.UploadAsync(id, "application-form", pdf, "application/pdf", "申请书.pdf")).StatusCode.Should().Be(HttpStatusCode.Created);
        (await driver.UploadAsync(id, "site-photo", TestFiles.Png(), "image/png", "photo.png")).StatusCode.Should().Be(HttpStatusCode.Created);
        (await driver.Http.PostAsync($"/api/applications/{id}/submit", null, _ct)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        var firstTask = await driver.WaitForTaskAsync(id, "health");
        var number = (await driver.GetCaseAsync(id))["number"]!.GetValue<string>();

        await using var browser = await BrowserPage.OpenAsync(TimeSpan.FromSeconds(30));
        var page = browser.Page;

        var response = await page.GotoAsync(new Uri(driver.Http.BaseAddress!, "/workbench").ToString());
        response!.Status.Should().Be(200);
        (await response.AllHeadersAsync())["content-security-policy"].Should().Contain("script-src 'sha256-").And.Contain("frame-src blob:");
        await page.FillAsync("#token", PipelineApp.Token("officer-lin", "officer", "health"));
        await page.ClickAsync("#save-token");

        // The inbox shows the task; opening it shows the case file.
        var row = page.Locator($"#inbox tr.task-row[data-case-id='{id}']");
        await row.WaitForAsync();
        await row.Locator("a.case").ClickAsync();
        await page.Locator("#file-title", new() { HasText = number }).WaitForAsync();
        (await page.InnerTextAsync("#applicant")).Should().Contain(Driver.CompanyId[..4] + new string('*', 12) + Driver.CompanyId[^2..], "health co-handles: the ID number is masked");

        // Claim, then view the PDF: previewed from memory, its SHA-256 checked against the one recorded at upload.
        await page.ClickAsync("#claim");
        await page.Locator("#task-assignee", new() { HasText = "officer-lin" }).WaitForAsync();
        await page.ClickAsync("#materials tr.material-row[data-material-id='application-form'] button.preview");
        await page.Locator("#preview-hash.ok").WaitForAsync();
        (await page.InnerTextAsync("#preview-hash")).Should().Contain("verified").And.Contain($"{pdf.Length} bytes");
        (await page.GetAttributeAsync("#preview-frame", "src")).Should().StartWith("blob:");
        (await page.IsHiddenAsync("#preview-frame")).Should().BeFalse();

        // Request a supplement of the floor plan.
        await page.CheckAsync("input[name=decision][value='request-supplement']");
        // The file view re-renders when a refresh it started earlier completes; a click that lands on the box it
        // replaces is lost, as a person's would be, and repeated as a person would (the page keeps ticks across renders).
        var floorPlan = page.Locator("#required-materials input[value='floor-plan']");
        for (var attempt = 1; !await floorPlan.IsCheckedAsync(); attempt++)
        {
            try
            {
                await floorPlan.CheckAsync();
            }
            catch (PlaywrightException) when (attempt < 3)
            {
                await Task.Delay(200);
            }
        }

        (await floorPlan.IsCheckedAsync()).Should().BeTrue();
        await page.FillAsync("#comment", "请补充平面图");
        await page.ClickAsync("#submit-decision");
        await page.Locator("#decision-status", new() { HasText = "AwaitingSupplement" }).WaitForAsync();
        var waiting = await driver.WaitForCaseAsync(id, v => v["status"]!.GetValue<string>() == "AwaitingSupplement"
            && v["supplementRequests"]!.AsArray().Any(r => r!["departmentId"]!.GetValue<string>() == "health"), "the supplement request reaches the applicant");
        waiting["supplementRequests"]!.AsArray().Single()!["requiredMaterials"]!.AsArray().Select(m => m!.GetValue<string>()).Should().Equal("floor-plan");

        // The applicant supplies it; the task comes back (a new task id) and the officer, still holding it, approves.
        (await driver.UploadAsync(id, "floor-plan", TestFiles.Pdf(), "application/pdf", "平面图.pdf")).StatusCode.Should().Be(HttpStatusCode.Created);
        var secondTask = await driver.WaitForTaskAsync(id, "health", notTaskId: firstTask);
        var held = page.Locator($"#inbox tr.task-row[data-case-id='{id}']", new() { HasText = "officer-lin" });
        await page.ClickAsync("#load-inbox");
        try
        {
            await held.WaitForAsync(new() { Timeout = 15_000 });
        }
        catch (TimeoutException)
        {
            // Seen once in CI under load; what the page showed is kept so the next miss says why. A person refreshes
            // again, and so does the test, once.
            output.WriteLine($"Inbox without the resumed task after a refresh: status '{await page.InnerTextAsync("#inbox-status")}', rows '{await page.InnerTextAsync("#inbox")}'.");
            await page.ClickAsync("#load-inbox");
        }

        await held.Locator("a.case").ClickAsync();
        await page.Locator("#task-status", new() { HasText = secondTask }).WaitForAsync();
        (await page.InnerTextAsync("#supplements")).Should().Contain("floor-plan");
        await page.CheckAsync("input[name=decision][value='approve']");
        await page.ClickAsync("#submit-decision");
        await page.Locator("#decision-status", new() { HasText = "Approved" }).WaitForAsync();

        var decided = await driver.WaitForCaseAsync(id, v => Driver.Department(v, "health")["status"]!.GetValue<string>() == "Approved", "health approved");
        Driver.Department(decided, "health")["officer"]!.GetValue<string>().Should().Be("officer-lin");
        var entries = await Officers.WaitForTimelineAsync(app, id, e => e["type"]!.GetValue<string>() == "DepartmentDecided", "the approval");
        entries.Should().Contain(e => e["type"]!.GetValue<string>() == "FileAccessed" && e["actor"]!.GetValue<string>() == "officer:health:officer-lin"
            && Officers.Detail(e, "materialId") == "application-form");
        entries.Should().Contain(e => e["type"]!.GetValue<string>() == "SupplementRequested" && e["actor"]!.GetValue<string>() == "officer:health:officer-lin");
        browser.ConsoleErrors.Should().BeEmpty();
    }

    /// <summary>A one-page PDF with a correct cross-reference table, so the viewer has a real document to show.</summary>
    private static byte[] MinimalPdf()
    {
        const string text = "BT /F1 24 Tf 40 100 Td (Floor plan) Tj ET";
        var objects = new[]
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            $"<< /Length {text.Length} >>\nstream\n{text}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        };
        var sb = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(Encoding.ASCII.GetByteCount(sb.ToString()));
            sb.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = Encoding.ASCII.GetByteCount(sb.ToString());
        sb.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        offsets.ForEach(o => sb.Append(CultureInfo.InvariantCulture, $"{o:D10} 00000 n \n"));
        sb.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }
}
