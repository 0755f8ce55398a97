using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Pipeline.Tests.Pipeline;

/// <summary>
/// The races the case aggregate closes (<see cref="CaseStore"/>): an upload against a submit, a withdrawal against the
/// decision. On a real socket, so an upload's body really is still streaming while the submit commits.
/// </summary>
public sealed class CaseRaceTests(KestrelPipelineApp app) : IClassFixture<KestrelPipelineApp>
{
    [Fact]
    public async Task Upload_StartedInDraftAndFinishedAfterSubmit_IsRefusedAndLeavesNoBlobRecordOrEntry()
    {
        var driver = new Driver(app, "applicant-race-upload");
        var id = await driver.CreateDraftAsync();
        (await driver.UploadAsync(id, "application-form", TestFiles.Pdf(), "application/pdf", "申请书.pdf")).StatusCode.Should().Be(HttpStatusCode.Created);
        (await driver.UploadAsync(id, "site-photo", TestFiles.Png(), "image/png", "photo.png")).StatusCode.Should().Be(HttpStatusCode.Created);

        // A second version of the form starts while the case is a draft (the route's check passes) and stalls mid-body.
        var gate = new TaskCompletionSource();
        var body = new StalledContent(TestFiles.Pdf(), gate.Task);
        // A plain HttpClient on the socket: the factory's client buffers request bodies before sending them.
        using var http = new HttpClient { BaseAddress = driver.Http.BaseAddress };
        http.DefaultRequestHeaders.Authorization = driver.Http.DefaultRequestHeaders.Authorization;
        body.Headers.ContentType = new("application/pdf");
        body.Headers.ContentDisposition = new("attachment") { FileName = "\"form-v2.pdf\"" };
        var late = http.PutAsync($"/api/applications/{id}/materials/application-form", body);
        await body.FirstBytesSent.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(300); // the server has read the first bytes and is waiting for the rest

        var submit = await driver.Http.PostAsync($"/api/applications/{id}/submit", null);
        submit.StatusCode.Should().Be(HttpStatusCode.Accepted, await submit.Content.ReadAsStringAsync());
        gate.SetResult();

        var answer = await late;
        answer.StatusCode.Should().Be(HttpStatusCode.Conflict, await answer.Content.ReadAsStringAsync());
        (await answer.Content.ReadFromJsonAsync<JsonObject>())!["type"]!.GetValue<string>().Should().EndWith("/upload-not-open");

        var view = await driver.WaitForStatusAsync(id, "InReview"); // the orchestration recorded Submitted by then
        view["materials"]!.AsArray().Where(m => m!["materialId"]!.GetValue<string>() == "application-form")
            .Select(m => m!["version"]!.GetValue<int>()).Should().Equal([1], "the submitted version is the only one");
        var storage = app.Services.GetRequiredService<PipelineStorage>();
        var blobs = new List<string>();
        await foreach (var blob in storage.Materials.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{id}/application-form/", CancellationToken.None))
        {
            blobs.Add(blob.Name);
        }

        blobs.Should().HaveCount(1, "the refused upload's blob is removed");
        var entries = await TimelineAsync(id);
        entries.Count(e => e.Type == "MaterialUploaded").Should().Be(2, "the two uploads made in the draft, not the refused one");
        entries.FindIndex(e => e.Type == "Submitted").Should().BeGreaterThan(entries.FindLastIndex(e => e.Type == "MaterialUploaded"));
    }

    [Fact]
    public async Task Submit_WhenAnUploadCommittedAfterItsCheck_DoesNotCommitAndTheRetryChecksTheNewState()
    {
        // The submit checks the materials on one read and commits under that read's ETag; an upload committed in
        // between must make the commit fail (the case stays a draft), never submit a case other than the one checked.
        var driver = new Driver(app, "applicant-race-submit");
        var id = await driver.CreateDraftAsync();
        (await driver.UploadAsync(id, "application-form", TestFiles.Pdf(), "application/pdf", "申请书.pdf")).StatusCode.Should().Be(HttpStatusCode.Created);
        (await driver.UploadAsync(id, "site-photo", TestFiles.Png(), "image/png", "photo.png")).StatusCode.Should().Be(HttpStatusCode.Created);
        var store = app.Services.GetRequiredService<CaseStore>();
        var checkedOn = (await store.LoadAsync(id, CancellationToken.None))!;

        (await driver.UploadAsync(id, "application-form", TestFiles.Pdf(), "application/pdf", "申请书-改.pdf")).StatusCode.Should().Be(HttpStatusCode.Created);
        (await store.SubmitAsync(checkedOn.Case, app.Time.GetUtcNow(), "2026.1", CancellationToken.None)).Should().BeNull();
        (await store.GetCaseAsync(id, CancellationToken.None))!.Status.Should().Be(CaseStatus.Draft);
        (await app.Engine.GetInstanceAsync(id)).Should().BeNull("nothing runs for a draft");

        var submit = await driver.Http.PostAsync($"/api/applications/{id}/submit", null);
        submit.StatusCode.Should().Be(HttpStatusCode.Accepted, await submit.Content.ReadAsStringAsync());
        var view = await driver.WaitForStatusAsync(id, "InReview");
        view["materials"]!.AsArray().Where(m => m!["materialId"]!.GetValue<string>() == "application-form")
            .Select(m => m!["version"]!.GetValue<int>()).Should().Equal([2], "the case as submitted has the later upload");
    }

    [Fact]
    public async Task Upload_CheckedWhileASupplementWasOpen_CommitAfterTheStepResumed_IsRefused()
    {
        // The step's resume (its request answered in full) closes the material to uploads; an upload checked before
        // it and committing after it must see the change through the case row's ETag and check again, even in the
        // moment before the case row's own resume write.
        var driver = new Driver(app, "applicant-race-resume");
        var id = await driver.SubmitCompleteCaseAsync();
        var taskId = await driver.WaitForTaskAsync(id, "health");
        (await driver.DecideAsync(id, "health", Driver.Supplement(taskId, "floor-plan"))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await driver.WaitForCaseAsync(id, v => Driver.Department(v, "health")["status"]!.GetValue<string>() == "AwaitingSupplement", "the supplement request");

        var store = app.Services.GetRequiredService<CaseStore>();
        var checkedOn = (await store.LoadAsync(id, CancellationToken.None))!;
        static string? Refusal(CaseSnapshot s) =>
            s.Departments.Any(d => d.Status == StepStatus.AwaitingSupplement && d.RequiredMaterialsJson.Contains("floor-plan", StringComparison.Ordinal)) ? null : "closed";
        Refusal(checkedOn).Should().BeNull("the check passes while health waits for the floor plan");

        // The step row resumes (as ResumeStep's first write does), then the upload checked before it commits.
        var step = checkedOn.Departments.Single(d => d.DepartmentId == "health");
        (await store.ResumeStepAsync(id, "health", taskId, "task-after-resume", StoredJson.Read<List<ClockEventDto>>(step.ClockJson)!, CancellationToken.None))!.Status.Should().Be(StepStatus.Pending);
        var material = new MaterialRow
        {
            PartitionKey = id, MaterialId = "floor-plan", Version = 1, FileName = "late.pdf", ContentType = "application/pdf", Size = 1, Sha256 = "00", BlobName = "none", UploadedAt = app.Time.GetUtcNow(),
        };
        var (stored, refusal) = await store.AddMaterialAsync(material, checkedOn.Case, Refusal, CancellationToken.None);
        stored.Should().BeNull();
        refusal.Should().Be("closed");
        (await store.LoadAsync(id, CancellationToken.None))!.Materials.Should().NotContain(m => m.MaterialId == "floor-plan");
    }

    [Fact]
    public async Task Withdrawal_CommittedBeforeTheDecisionButItsEventLost_CaseEndsWithdrawnWithoutLicence()
    {
        // The orchestration may miss the event (raised to an instance not started yet, or after the join): the
        // request on the case row still wins over the decision.
        var driver = new Driver(app, "applicant-race-lost");
        var id = await driver.SubmitCompleteCaseAsync();
        var tasks = new Dictionary<string, string>();
        foreach (var department in TestCatalogue.Departments)
        {
            tasks[department] = await driver.WaitForTaskAsync(id, department);
        }

        var store = app.Services.GetRequiredService<CaseStore>();
        var (outcome, _) = await store.RequestWithdrawalAsync(id, "applicant:applicant-race-lost", app.Time.GetUtcNow(), CancellationToken.None);
        outcome.Should().Be(WithdrawalOutcome.Requested);
        foreach (var department in TestCatalogue.Departments)
        {
            (await driver.DecideAsync(id, department, Driver.Approve(tasks[department]))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        var final = await driver.WaitForCaseAsync(id, v => v["status"]!.GetValue<string>() is "Withdrawn" or "Issued" or "Approved", "a final status");
        final["status"]!.GetValue<string>().Should().Be("Withdrawn");
        final["licence"].Should().BeNull();
        (await driver.Http.GetAsync($"/api/applications/{id}/licence")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var types = await FinalTimelineAsync(id);
        types.Should().Contain("Withdrawn").And.NotContain("LicenceIssued").And.NotContain("Published");
    }

    [Fact]
    public async Task Withdraw_RacingTheLastApproval_IsEitherRefusedOrWins_NeverAcceptedThenIssued()
    {
        // Withdrawals at several moments after the last department's approval: each is answered 409 case-decided
        // (the decision was committed first) and the case is issued, or 202 and the case ends Withdrawn.
        var delays = new[] { 0, 100, 200, 250, 300, 400, 600, 900 };
        var results = await Task.WhenAll(delays.Select(async (delay, i) =>
        {
            var driver = new Driver(app, $"applicant-race-{i}");
            var id = await driver.SubmitCompleteCaseAsync();
            var tasks = new Dictionary<string, string>();
            foreach (var department in TestCatalogue.Departments)
            {
                tasks[department] = await driver.WaitForTaskAsync(id, department);
            }

            foreach (var department in TestCatalogue.Departments)
            {
                (await driver.DecideAsync(id, department, Driver.Approve(tasks[department]))).StatusCode.Should().Be(HttpStatusCode.Accepted);
            }

            await Task.Delay(delay);
            var withdraw = await driver.Http.PostAsync($"/api/applications/{id}/withdraw", null);
            var final = await driver.WaitForCaseAsync(id, v => v["status"]!.GetValue<string>() is "Withdrawn" or "Issued", "a final status", seconds: 90);
            var types = await FinalTimelineAsync(id);
            return (delay, withdraw.StatusCode, Status: final["status"]!.GetValue<string>(), Licence: final["licence"] is not null, types);
        }));

        foreach (var r in results)
        {
            if (r.StatusCode == HttpStatusCode.Accepted)
            {
                r.Status.Should().Be("Withdrawn", $"a withdrawal answered 202 {r.delay} ms after the last approval must win");
                r.Licence.Should().BeFalse();
                r.types.Should().Contain("WithdrawalRequested").And.Contain("Withdrawn").And.NotContain("LicenceIssued");
            }
            else
            {
                r.StatusCode.Should().Be(HttpStatusCode.Conflict, $"at {r.delay} ms");
                r.Status.Should().Be("Issued");
                r.types.Should().NotContain("WithdrawalRequested");
            }
        }
    }

    /// <summary>The entry types once the case's last entry (Withdrawn or Published) is on the timeline: the status row commits first.</summary>
    private async Task<List<string>> FinalTimelineAsync(string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var types = (await TimelineAsync(id)).Select(e => e.Type).ToList();
            if (types.Contains("Withdrawn") || types.Contains("Published") || DateTime.UtcNow > deadline)
            {
                return types;
            }

            await Task.Delay(100);
        }
    }

    private async Task<List<(string Type, DateTimeOffset At)>> TimelineAsync(string id)
    {
        using var supervisor = app.CreateClient();
        supervisor.DefaultRequestHeaders.Authorization = new("Bearer", PipelineApp.Token("supervisor-1", "supervisor"));
        var timeline = await supervisor.GetFromJsonAsync<JsonObject>($"/api/supervision/applications/{id}/timeline");
        return timeline!["entries"]!.AsArray().Select(e => (e!["type"]!.GetValue<string>(), e["at"]!.GetValue<DateTimeOffset>())).ToList();
    }

    /// <summary>A request body that sends its first bytes, then waits for <paramref name="gate"/> before the rest.</summary>
    private sealed class StalledContent(byte[] bytes, Task gate) : HttpContent
    {
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FirstBytesSent => _first.Task;

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var head = Math.Min(16, bytes.Length);
            await stream.WriteAsync(bytes.AsMemory(0, head));
            await stream.FlushAsync();
            _first.TrySetResult();
            await gate;
            await stream.WriteAsync(bytes.AsMemory(head));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}
