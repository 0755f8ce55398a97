using System.Security.Claims;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Approvals.Pipeline.Api;
using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Identity;
using Approvals.Pipeline.Materials;
using Approvals.Pipeline.Orchestrations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Approvals.Pipeline.Applicants;

/// <summary>Applicant routes: drafts, case status, submission, withdrawal, complaints.</summary>
internal static class ApplicationsApi
{
    public static RouteGroupBuilder MapApplicationsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/applications").WithTags("Applicant").RequireAuthorization(Policies.Applicant);
        group.MapPost("/", CreateDraft).WithName("CreateDraft");
        group.MapGet("/", ListMine).WithName("ListApplications");
        group.MapGet("/{id}", GetCase).WithName("GetApplication");
        group.MapPost("/{id}/submit", Submit).WithName("SubmitApplication");
        group.MapPost("/{id}/withdraw", Withdraw).WithName("WithdrawApplication");
        group.MapPost("/{id}/complaints", FileComplaint).WithName("FileComplaint");
        return group;
    }

    public static async Task<Results<Created<DraftCreated>, ValidationProblem, ProblemHttpResult>> CreateDraft(
        CreateDraftRequest body, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, ClaimsPrincipal user,
        DraftService drafts, CaseClocks clocks, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = ApplicantValidation.Validate(body, clocks.Catalogue, idempotencyKey, time.GetUtcNow(), out var draft);
        if (draft is null)
        {
            return TypedResults.ValidationProblem(errors, type: "/problems/validation", extensions: new Dictionary<string, object?> { ["code"] = "validation" });
        }

        var outcome = await drafts.CreateAsync(user.Subject()!, idempotencyKey, draft.Type, draft.Applicant, draft.FormJson, cancellationToken);
        if (outcome is not DraftOutcome.Created created)
        {
            return Problems.Create(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused", "This Idempotency-Key was already used with a different request body.");
        }

        if (created.Replayed)
        {
            response.Headers["Idempotent-Replayed"] = "true";
        }

        var row = created.Case;
        return TypedResults.Created($"/api/applications/{row.PartitionKey}", new DraftCreated(row.PartitionKey, row.Number, row.Status));
    }

    public static async Task<Results<Ok<IReadOnlyList<CaseSummary>>, ProblemHttpResult>> ListMine(
        string? status, ClaimsPrincipal user, DraftService drafts, Storage.PipelineStorage storage, CancellationToken cancellationToken)
    {
        if (!StatusFilters.TryParse(status, ApplicantCaseList.Statuses, out var filter))
        {
            return StatusFilters.Unknown(ApplicantCaseList.Statuses);
        }

        var all = await drafts.ListAsync(user.Subject()!, cancellationToken);
        return TypedResults.Ok(filter is null ? all : await ApplicantCaseList.WithStatusAsync(all, filter, storage, cancellationToken));
    }

    public static async Task<Results<Ok<CaseView>, ProblemHttpResult>> GetCase(string id, ClaimsPrincipal user, CaseStore store, CaseClocks clocks, TimeProvider time, CancellationToken cancellationToken)
    {
        // The view row: one point read (writers use LoadOwnAsync, which reads the rows themselves).
        var snapshot = Own(await store.LoadViewAsync(id, cancellationToken), user);
        return snapshot is null
            ? Problems.NotFound("Application")
            : TypedResults.Ok(CaseViews.Build(snapshot, clocks, time.GetUtcNow()));
    }

    public static async Task<Results<Accepted<CaseView>, ProblemHttpResult>> Submit(
        string id, ClaimsPrincipal user, CaseStore store, CaseClocks clocks, DurableTaskClient engine, CaseJournal journal, TimeProvider time, CancellationToken cancellationToken)
    {
        var snapshot = await LoadOwnAsync(store, id, user, cancellationToken);
        if (snapshot is null)
        {
            return Problems.NotFound("Application");
        }

        var row = snapshot.Case;
        var type = clocks.Type(row.LicenceTypeId, row.LicenceTypeVersion);
        CaseRow? submittedNow = null;
        if (row.Status == CaseStatus.Draft)
        {
            var (missing, invalid) = PreReview.Check(type, snapshot);
            if (missing.Count > 0 || invalid.Count > 0)
            {
                var at = time.GetUtcNow();
                await journal.AppendAsync(
                    id, row.Number, $"prereview:{id}:{at.UtcTicks}", at, "PreReviewFailed", "system", null,
                    new Dictionary<string, string?>
                    {
                        ["missing"] = string.Join(",", missing.Select(m => m.MaterialId)),
                        ["invalid"] = string.Join(",", invalid.Select(m => m.MaterialId)),
                    }, null, cancellationToken);
                return Problems.Create(StatusCodes.Status422UnprocessableEntity, "materials-incomplete",
                    "The application is incomplete: every missing and invalid material is listed.",
                    extensions: new Dictionary<string, object?> { ["missingMaterials"] = missing, ["invalidMaterials"] = invalid });
            }

            var now = time.GetUtcNow();
            var calendarVersion = clocks.Calendar(type.Jurisdiction, null).Version;
            submittedNow = await MarkSubmittedAsync(store, row, now, calendarVersion, cancellationToken);
            row = submittedNow ?? await store.GetCaseAsync(id, cancellationToken) ?? row;
        }

        if (row.Status == CaseStatus.Withdrawn && row.SubmittedAt is null)
        {
            return Problems.Conflict("case-withdrawn", "The application was withdrawn.");
        }

        // Idempotent: a repeated submit (or one whose first attempt failed after the row was written) makes sure the
        // orchestration exists, and never starts a second one.
        if (submittedNow is not null || await engine.GetInstanceAsync(id, cancellationToken) is null)
        {
            var input = new CaseInput(id, row.Number, row.LicenceTypeId, row.LicenceTypeVersion, row.CalendarVersion!, row.SubmittedAt!.Value, row.ApplicantSubject, OrchestrationClock.ShiftOf(time));
            try
            {
                await engine.ScheduleNewOrchestrationInstanceAsync(nameof(LicenceApproval), input, new StartOrchestrationOptions(id), cancellationToken);
            }
            catch (InvalidOperationException)
            {
                // Started concurrently by a parallel submit.
            }
        }

        var fresh = snapshot with { Case = row };
        return TypedResults.Accepted($"/api/applications/{id}", CaseViews.Build(fresh, clocks, time.GetUtcNow()));
    }

    public static async Task<Results<Accepted<WithdrawalAccepted>, ProblemHttpResult>> Withdraw(
        string id, ClaimsPrincipal user, CaseStore store, DurableTaskClient engine, TimeProvider time, CancellationToken cancellationToken)
    {
        var row = await store.GetCaseAsync(id, cancellationToken);
        if (row is null || row.ApplicantSubject != user.Subject())
        {
            return Problems.NotFound("Application");
        }

        var now = time.GetUtcNow();
        if (row.Status == CaseStatus.Draft)
        {
            var updated = await store.UpdateCaseAsync(id, r =>
            {
                if (r.Status != CaseStatus.Draft)
                {
                    return false;
                }

                r.Status = CaseStatus.Withdrawn;
                r.WithdrawnAt = now;
                return true;
            }, cancellationToken);
            if (updated?.Status == CaseStatus.Withdrawn)
            {
                return TypedResults.Accepted($"/api/applications/{id}", new WithdrawalAccepted(id, CaseStatus.Withdrawn, true));
            }

            row = updated ?? row;
        }

        if (CaseStatus.IsFinal(row.Status))
        {
            return Problems.Conflict("case-decided", $"The application is already {row.Status} and can no longer be withdrawn.");
        }

        // The orchestration decides: a withdrawal that arrives after the join is ignored by it.
        await engine.RaiseEventAsync(id, EventNames.Withdraw, new WithdrawEvent("applicant:" + user.Subject(), now), cancellationToken);
        return TypedResults.Accepted($"/api/applications/{id}", new WithdrawalAccepted(id, row.Status, true));
    }

    public static async Task<Results<Created<ComplaintFiled>, ValidationProblem, ProblemHttpResult>> FileComplaint(
        string id, ComplaintRequest body, ClaimsPrincipal user, CaseStore store, CaseJournal journal, TimeProvider time, CancellationToken cancellationToken)
    {
        var row = await store.GetCaseAsync(id, cancellationToken);
        if (row is null || row.ApplicantSubject != user.Subject())
        {
            return Problems.NotFound("Application");
        }

        if (string.IsNullOrWhiteSpace(body.Text) || body.Text.Length > 4000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["text"] = ["Required, at most 4,000 characters."] }, type: "/problems/validation");
        }

        var complaint = (await journal.AddComplaintAsync(id, row.Number, user.Subject()!, body.Text.Trim(), time.GetUtcNow(), cancellationToken))!;
        return TypedResults.Created($"/api/applications/{id}/complaints/{complaint.Id}", complaint);
    }

    /// <summary>Draft → Submitted with the ETag read in the same request; null when someone else changed the row first.</summary>
    private static async Task<CaseRow?> MarkSubmittedAsync(CaseStore store, CaseRow row, DateTimeOffset now, string calendarVersion, CancellationToken cancellationToken)
    {
        row.Status = CaseStatus.Submitted;
        row.SubmittedAt = now;
        row.CalendarVersion = calendarVersion;
        row.ClockJson = Storage.StoredJson.Write(new[] { ClockEventDto.Submitted(now) });
        try
        {
            row.ETag = await Storage.TableUpdates.ReplaceAsync(store.Table, row, row.ETag, CaseViewRow.Of(row), cancellationToken);
            return row;
        }
        catch (Azure.RequestFailedException e) when (e.Status == 412)
        {
            return null; // a concurrent submit or withdrawal won; the caller re-reads
        }
    }

    /// <summary>The case when it belongs to the caller; otherwise null, answered as 404 so ids cannot be probed.</summary>
    internal static async Task<CaseSnapshot?> LoadOwnAsync(CaseStore store, string id, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        Own(await store.LoadAsync(id, cancellationToken), user);

    private static CaseSnapshot? Own(CaseSnapshot? snapshot, ClaimsPrincipal user) =>
        snapshot is not null && string.Equals(snapshot.Case.ApplicantSubject, user.Subject(), StringComparison.Ordinal) ? snapshot : null;
}
