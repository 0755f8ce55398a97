using Approvals.Pipeline.Supervision;
using Approvals.Licensing.Clock;
using Microsoft.Playwright;

namespace Approvals.Pipeline.Tests.Supervision;

/// <summary>
/// The dashboard in headless Chromium (Debian's, installed by scripts/test-prereqs.sh) against the supervision routes
/// on a real Kestrel socket.
/// </summary>
public sealed class DashboardTests(SupervisionHost host) : IClassFixture<SupervisionHost>
{
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token;

    [Fact]
    public async Task Dashboard_SupervisorTokenPasted_ShowsAlertRowTimelineAndComplaintsAsText()
    {
        var caseId = SupervisionHost.NewCaseId();
        var caseNumber = "310000-20261123-FS-" + caseId[..6];
        var at = host.Time.GetUtcNow();
        await host.Recorder.AppendAsync(new TimelineAppend(caseId, caseNumber, "k1", at, "Submitted", "applicant:a1", null, null, null), _ct);
        await host.Recorder.AppendAsync(new TimelineAppend(caseId, caseNumber, "k2", at, "AlertRaised", "system", "market",
            new Dictionary<string, string?> { ["level"] = "Red" }, new TimelineClock("Running", new DateOnly(2026, 11, 20), 12, 10, null)), _ct);
        await host.Recorder.RaiseAlertAsync(new AlertRaised(caseId, caseNumber, "food", "market", AlertLevel.Red, at, new DateOnly(2026, 11, 20)), _ct);
        const string hostile = "<img src=x onerror=\"document.title='pwned'\">";
        await host.Recorder.AddComplaintAsync(new NewComplaint(caseId, caseNumber, "a1", hostile, at), _ct);

        await using var browser = await BrowserPage.OpenAsync(TimeSpan.FromSeconds(15));
        var page = browser.Page;

        var response = await page.GotoAsync(new Uri(host.BaseAddress, "/supervision").ToString());
        response!.Status.Should().Be(200);
        (await response.AllHeadersAsync())["content-security-policy"].Should().Contain("script-src 'sha256-");

        await page.FillAsync("#token", SupervisionHost.Token("inspector-1", "supervisor"));
        await page.ClickAsync("#save-token");

        var alertRow = page.Locator("#alerts tr.alert-row", new() { HasText = caseNumber });
        await alertRow.WaitForAsync();
        (await alertRow.GetAttributeAsync("class")).Should().Contain("level-red");
        (await alertRow.InnerTextAsync()).Should().Contain("红牌").And.Contain("market");

        // The case link opens its timeline with the chain verdict.
        await alertRow.Locator("a.case").ClickAsync();
        var verdict = page.Locator("#chain-verdict");
        await verdict.WaitForAsync();
        (await verdict.InnerTextAsync()).Should().Contain("Chain valid");
        (await page.Locator("#timeline tbody tr").CountAsync()).Should().Be(2);

        // Complaint text is shown as text, never parsed as HTML.
        await page.ClickAsync("#load-complaints");
        var complaint = page.Locator("#complaints tbody td", new() { HasText = "onerror" });
        await complaint.WaitForAsync();
        (await complaint.InnerTextAsync()).Should().Be(hostile);
        (await page.TitleAsync()).Should().NotBe("pwned");

        // The token is kept for the tab: a reload shows the alerts again without pasting.
        await page.ReloadAsync();
        await page.Locator("#alerts tr.alert-row", new() { HasText = caseNumber }).WaitForAsync();
        browser.ConsoleErrors.Should().BeEmpty();
    }

    [Fact]
    public async Task Dashboard_ApplicantToken_ShowsRefusal()
    {
        await using var browser = await BrowserPage.OpenAsync(TimeSpan.FromSeconds(15));
        var page = browser.Page;
        await page.GotoAsync(new Uri(host.BaseAddress, "/supervision").ToString());

        await page.FillAsync("#token", SupervisionHost.Token("someone", "applicant"));
        await page.ClickAsync("#save-token");

        await page.Locator("#alerts-status.error", new() { HasText = "403" }).WaitForAsync();
        (await page.InnerTextAsync("#alerts-status")).Should().Contain("The token was refused");
        (await page.Locator("#alerts tr.alert-row").CountAsync()).Should().Be(0);
    }
}
