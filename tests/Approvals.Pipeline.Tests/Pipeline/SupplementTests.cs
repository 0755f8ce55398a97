using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Approvals.Pipeline.Tests.Pipeline;

/// <summary>A supplement request (补正) stops the step clock until the applicant uploads; then it resumes under a new task.</summary>
public sealed class SupplementTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    private static DateTimeOffset Local(int m, int d, int h) => new DateTimeOffset(2026, m, d, h, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime();

    [Fact]
    public async Task SupplementRequest_PausesClockUntilUpload_ThenResumesWithLaterDueDate()
    {
        var driver = new Driver(app, "applicant-supp");
        var id = await driver.SubmitCompleteCaseAsync();
        var taskId = await driver.WaitForTaskAsync(id, "health");
        var original = Driver.Department(await driver.GetCaseAsync(id), "health");
        original["dueDate"]!.GetValue<string>().Should().Be("2026-11-27", "received Monday 23rd, counted from Tuesday, 4 working days");

        // Wednesday 25th 09:00: Tuesday is used, Wednesday counts from the pause on.
        await app.AdvanceToAsync(Local(11, 25, 9));
        (await driver.DecideAsync(id, "health", Driver.Supplement(taskId, "floor-plan"))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        var paused = await driver.WaitForCaseAsync(id, v => v["status"]!.GetValue<string>() == "AwaitingSupplement"
            && Driver.Department(v, "health")["clock"]!["paused"]!.GetValue<bool>(), "paused");
        var health = Driver.Department(paused, "health");
        health["status"]!.GetValue<string>().Should().Be("AwaitingSupplement");
        health["clock"]!["pausedFor"]!.GetValue<string>().Should().Be("Supplement");
        health["clock"]!["pauseLegalBasis"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        paused["supplementRequests"]!.AsArray().Single()!["requiredMaterials"]!.AsArray().Select(m => m!.GetValue<string>()).Should().Equal("floor-plan");
        paused["clock"]!["paused"]!.GetValue<bool>().Should().BeTrue("the case clock stops while a step waits for the applicant");
        var usedAtPause = health["clock"]!["workingDaysUsed"]!.GetValue<int>();
        await driver.AssertViewMatchesPartitionAsync(id);

        // Three working days pass while paused: nothing is counted.
        await app.AdvanceToAsync(Local(11, 30, 9));
        var later = Driver.Department(await driver.GetCaseAsync(id), "health");
        later["clock"]!["workingDaysUsed"]!.GetValue<int>().Should().Be(usedAtPause);
        later["alertRaised"]!.GetValue<string>().Should().Be("None", "a paused clock raises no alert although the original due date passed");
        (await driver.DecideAsync(id, "health", Driver.Approve(taskId))).StatusCode.Should().Be(HttpStatusCode.Conflict, "the task waits for the applicant");

        (await driver.UploadAsync(id, "floor-plan", TestFiles.Png(), "image/png", "平面图.png")).StatusCode.Should().Be(HttpStatusCode.Created);
        var newTaskId = await driver.WaitForTaskAsync(id, "health", notTaskId: taskId);
        var resumed = await driver.WaitForCaseAsync(id, v => v["status"]!.GetValue<string>() == "InReview", "resumed");
        var step = Driver.Department(resumed, "health");
        step["clock"]!["paused"]!.GetValue<bool>().Should().BeFalse();
        step["clock"]!["workingDaysUsed"]!.GetValue<int>().Should().Be(usedAtPause);
        DateOnly.Parse(step["dueDate"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            .Should().BeAfter(new DateOnly(2026, 11, 27), "excluded time moves the due date");
        resumed["supplementRequests"]!.AsArray().Should().BeEmpty();
        await driver.AssertViewMatchesPartitionAsync(id);

        (await driver.DecideAsync(id, "health", Driver.Approve(taskId))).StatusCode.Should().Be(HttpStatusCode.Conflict, "the old task id is stale");
        (await driver.DecideAsync(id, "health", Driver.Approve(newTaskId))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        foreach (var department in new[] { "market-supervision", "fire-rescue" })
        {
            (await driver.DecideAsync(id, department, Driver.Approve(await driver.WaitForTaskAsync(id, department)))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        var issued = await driver.WaitForStatusAsync(id, "Issued");
        await driver.AssertViewMatchesPartitionAsync(id);
        issued["materials"]!.AsArray().Select(m => m!["materialId"]!.GetValue<string>()).Should().Contain("floor-plan");
        using var anonymous = app.CreateClient();
        var verify = await anonymous.GetFromJsonAsync<JsonObject>("/api/public/licences/" + issued["licence"]!["licenceNumber"]!.GetValue<string>());
        verify!["valid"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task TwoStepsAskForTheSameMaterialWhileTheThirdApproves_AllAtOnce_OneUploadResumesBoth_AndEveryDecisionCounts()
    {
        // Every department's events go to the case's one instance: decisions that arrive together, and one upload that
        // answers two requests (raised once per asking step, with each request's id), must each reach their step.
        var driver = new Driver(app, "applicant-supp-two");
        var id = await driver.SubmitCompleteCaseAsync();
        var tasks = new Dictionary<string, string>();
        foreach (var department in TestCatalogue.Departments)
        {
            tasks[department] = await driver.WaitForTaskAsync(id, department);
        }

        var answers = await Task.WhenAll(
            driver.DecideAsync(id, "health", Driver.Supplement(tasks["health"], "floor-plan")),
            driver.DecideAsync(id, "fire-rescue", Driver.Supplement(tasks["fire-rescue"], "floor-plan")),
            driver.DecideAsync(id, "market-supervision", Driver.Approve(tasks["market-supervision"])));
        answers.Select(a => a.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.Accepted);
        await driver.WaitForCaseAsync(id, v => v["supplementRequests"]!.AsArray().Count == 2
            && Driver.Department(v, "market-supervision")["status"]!.GetValue<string>() == "Approved", "two requests open, one approval");

        (await driver.UploadAsync(id, "floor-plan", TestFiles.Png(), "image/png", "平面图.png")).StatusCode.Should().Be(HttpStatusCode.Created);
        var health = await driver.WaitForTaskAsync(id, "health", notTaskId: tasks["health"]);
        var fire = await driver.WaitForTaskAsync(id, "fire-rescue", notTaskId: tasks["fire-rescue"]);
        var resumed = await driver.WaitForCaseAsync(id, v => v["status"]!.GetValue<string>() == "InReview", "both resumed");
        resumed["supplementRequests"]!.AsArray().Should().BeEmpty();

        var last = await Task.WhenAll(
            driver.DecideAsync(id, "health", Driver.Approve(health)),
            driver.DecideAsync(id, "fire-rescue", Driver.Approve(fire)));
        last.Select(a => a.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.Accepted);
        var issued = await driver.WaitForStatusAsync(id, "Issued");
        issued["departments"]!.AsArray().Select(d => d!["status"]!.GetValue<string>()).Should().AllBe("Approved");
        await driver.AssertViewMatchesPartitionAsync(id);
    }
}
