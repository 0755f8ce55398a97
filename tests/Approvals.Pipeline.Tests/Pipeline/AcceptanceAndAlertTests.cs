using System.Text.Json.Nodes;

namespace Approvals.Pipeline.Tests.Pipeline;

/// <summary>
/// Deemed acceptance (Art. 32) and the 预警 / 黄牌 / 红牌 alerts, driven by advancing the fake clock that the
/// orchestrations' licensing clock follows (<see cref="PipelineApp.AdvanceAsync"/>). Calendar facts: 2026-11-23 is a Monday; no holidays until January.
/// </summary>
public sealed class AcceptanceAndAlertTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Fact]
    public async Task ManualAcceptance_NoAnswerFor5WorkingDays_DeemedAcceptedThenWarningYellowRedRaised()
    {
        var driver = new Driver(app, "applicant-clock");
        var id = await driver.SubmitCompleteCaseAsync(TestCatalogue.ManualType);
        var submitted = await driver.WaitForCaseAsync(id, v => v["acceptance"]?["status"]?.GetValue<string>() == "Pending", "service-centre task");
        submitted["status"]!.GetValue<string>().Should().Be("Submitted");
        var deemedAt = submitted["clock"]!["deemedAcceptedAt"]!.GetValue<DateTimeOffset>();
        // Submitted Monday 23rd: the 5th working day after is Monday 30th, deemed at its end (local midnight).
        TimeZoneInfo.ConvertTime(deemedAt, Shanghai).Should().Be(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.FromHours(8)));

        await AdvanceToAsync(deemedAt.AddMinutes(-1));
        (await driver.GetCaseAsync(id))["status"]!.GetValue<string>().Should().Be("Submitted", "one minute before the window closes nothing happens");

        await AdvanceToAsync(deemedAt.AddMinutes(1));
        var accepted = await driver.WaitForCaseAsync(id, v => v["status"]!.GetValue<string>() == "InReview"
            && Driver.Department(v, "market-supervision")["status"]!.GetValue<string>() == "Pending", "deemed acceptance and review", nudge: TimeSpan.FromSeconds(1));
        accepted["deemedAccepted"]!.GetValue<bool>().Should().BeTrue();
        accepted["acceptance"]!["status"]!.GetValue<string>().Should().Be("DeemedAccepted");
        var step = Driver.Department(accepted, "market-supervision");
        var due = DateOnly.Parse(step["dueDate"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        // Task received Tuesday 1 Dec (00:01 local); counting from Wednesday 2nd, 5 working days: Tuesday 8th.
        due.Should().Be(new DateOnly(2026, 12, 8));
        step["alertRaised"]!.GetValue<string>().Should().Be("None");

        // 预警 on the due date (one working day left), 黄牌 after it, 红牌 after the 2-day follow-up period.
        await AdvanceToAsync(Local(2026, 12, 8, 9));
        await WaitForAlertAsync(driver, id, "Warning");
        await AdvanceToAsync(Local(2026, 12, 9, 9));
        await WaitForAlertAsync(driver, id, "Yellow");
        await AdvanceToAsync(Local(2026, 12, 11, 9));
        var red = await WaitForAlertAsync(driver, id, "Red");
        Driver.Department(red, "market-supervision")["status"]!.GetValue<string>().Should().Be("Pending", "alerts never stop the wait for a decision");

        // The step still decides after its red card.
        var taskId = await driver.WaitForTaskAsync(id, "market-supervision");
        (await driver.DecideAsync(id, "market-supervision", Driver.Approve(taskId))).StatusCode.Should().Be(System.Net.HttpStatusCode.Accepted);
        await driver.WaitForStatusAsync(id, "Issued");
        await driver.AssertViewMatchesPartitionAsync(id);
    }

    [Fact]
    public async Task ManualAcceptance_ServiceCentreRefuses_NotAcceptedWithReasons()
    {
        var driver = new Driver(app, "applicant-refused");
        var id = await driver.SubmitCompleteCaseAsync(TestCatalogue.ManualType);
        var taskId = await driver.WaitForTaskAsync(id, "service-centre");
        var refused = await driver.DecideAsync(id, "service-centre", new { taskId, decision = "not-accept", officer = "窗口", reasons = (string[])["不属于本机关职权范围"] });
        refused.StatusCode.Should().Be(System.Net.HttpStatusCode.Accepted);
        var view = await driver.WaitForStatusAsync(id, "NotAccepted");
        await driver.AssertViewMatchesPartitionAsync(id);
        view["reasons"]!.AsArray().Single()!["reason"]!.GetValue<string>().Should().Be("不属于本机关职权范围");
        Driver.Department(view, "market-supervision")["status"]!.GetValue<string>().Should().Be("NotStarted");
    }

    private static DateTimeOffset Local(int y, int m, int d, int h) => new DateTimeOffset(y, m, d, h, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime();

    private Task AdvanceToAsync(DateTimeOffset at) => app.AdvanceToAsync(at);

    private static Task<JsonObject> WaitForAlertAsync(Driver driver, string id, string level) =>
        driver.WaitForCaseAsync(id, v => Driver.Department(v, "market-supervision")["alertRaised"]!.GetValue<string>() == level, "alert " + level, nudge: TimeSpan.FromMinutes(1));
}
