using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Approvals.Pipeline.Tests.Pipeline;

/// <summary>
/// The Art. 32 deadline as the decision endpoint applies it: from the deemed-acceptance instant on, the service centre
/// can neither refuse nor ask for a supplement, whether or not the orchestration's timer for that instant has fired.
/// Moves the fake clock: its own fixture.
/// </summary>
public sealed class DeemedAcceptanceDeadlineTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    [Fact]
    public async Task ManualAcceptance_CentreDecidesAfterTheArt32Deadline_RefusedAndTheCaseIsDeemedAccepted()
    {
        var driver = new Driver(app, "applicant-late-centre");
        var id = await driver.SubmitCompleteCaseAsync(TestCatalogue.ManualType);
        var taskId = await driver.WaitForTaskAsync(id, "service-centre");
        var deemedAt = (await driver.GetCaseAsync(id))["clock"]!["deemedAcceptedAt"]!.GetValue<DateTimeOffset>();

        // The endpoint's clock passes the deadline before the orchestration's timer has fired (its clock is told
        // only below): the refusal comes from the deadline itself, not from a task already closed.
        app.Time.Advance(deemedAt.AddSeconds(1) - app.Time.GetUtcNow());
        var late = await driver.DecideAsync(id, "service-centre", new { taskId, decision = "not-accept", officer = "窗口", reasons = (string[])["材料不齐"] });
        late.StatusCode.Should().Be(System.Net.HttpStatusCode.Conflict);
        (await late.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>().Should().Be("deemed-accepted");
        (await driver.GetCaseAsync(id))["acceptance"]!["status"]!.GetValue<string>().Should().Be("Pending", "nothing was written");

        await app.AdvanceToAsync(deemedAt.AddMinutes(1));
        var accepted = await driver.WaitForCaseAsync(id, v => v["status"]!.GetValue<string>() == "InReview", "deemed acceptance", nudge: TimeSpan.FromSeconds(1));
        accepted["deemedAccepted"]!.GetValue<bool>().Should().BeTrue();
        accepted["acceptance"]!["status"]!.GetValue<string>().Should().Be("DeemedAccepted");
    }
}
