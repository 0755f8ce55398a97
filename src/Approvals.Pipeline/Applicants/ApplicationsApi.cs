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
            return Problems.Validation(errors);
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
        string? status, ClaimsPrincipal user, DraftService drafts, CaseStore store, CancellationToken cancellationToken)
    {
        if (!StatusFilters.TryParse(status, CaseTransitions.CaseStatuses, out var filter))
        {
            return StatusFilters.Unknown(CaseTransitions.CaseStatuses);
        }

        var all = await drafts.ListAsync(user.Subject()!, cancellationToken);
        if (filter is null)
        {
            return TypedResults.Ok(all);
        }

        var matching = await store.InStatusAsync(all.Select(c => c.Id).ToList(), filter, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<CaseSummary>>(all.Where(c => matching.Contains(c.Id)).ToList());
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
        CaseSnapshot? snapshot = null;
        CaseRow? row = null;
        CaseRow? submittedNow = null;
        // The materials are checked complete on one read of the case, and the submit commits under that read's ETag:
        // an upload (or anything else) committed in between makes it fail, and the check runs again on the new state.
        for (var attempt = 0; attempt < 10 && (row is null || row.Status == CaseStatus.Draft) && submittedNow is null; attempt++)
        {
            snapshot = await LoadOwnAsync(store, id, user, cancellationToken);
            if (snapshot is null)
            {
                return Problems.NotFound("Application");
            }

            row = snapshot.Case;
            if (row.Status != CaseStatus.Draft)
            {
                break;
            }

            var type = clocks.Type(row.LicenceTypeId, row.LicenceTypeVersion);
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

            var calendarVersion = clocks.Calendar(type.Jurisdiction, null).Version;
            submittedNow = await store.SubmitAsync(row, time.GetUtcNow(), calendarVersion, cancellationToken);
            // Not committed (the case changed since the read): read it again and check again.
            row = submittedNow;
        }

        if (row is null || snapshot is null || row.Status == CaseStatus.Draft)
        {
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "busy", "The application is changing too often; retry the submit.");
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
        string id, ClaimsPrincipal user, CaseStore store, DurableTaskClient engine, CaseJournal journal, TimeProvider time, CancellationToken cancellationToken)
    {
        var row = await store.GetCaseAsync(id, cancellationToken);
        if (row is null || row.ApplicantSubject != user.Subject())
        {
            return Problems.NotFound("Application");
        }

        // Committed on the case row first (ordered against the decision by its ETag): a 202 here means the case can
        // only end Withdrawn; a decision committed first makes it a 409.
        var now = time.GetUtcNow();
        var by = "applicant:" + user.Subject();
        var (outcome, stored) = await store.RequestWithdrawalAsync(id, by, now, cancellationToken);
        switch (outcome)
        {
            case WithdrawalOutcome.NotFound:
                return Problems.NotFound("Application");
            case WithdrawalOutcome.Decided:
                return Problems.Conflict("case-decided", $"The application is already {stored!.Status} and can no longer be withdrawn.");
            case WithdrawalOutcome.DraftWithdrawn:
                return TypedResults.Accepted($"/api/applications/{id}", new WithdrawalAccepted(id, CaseStatus.Withdrawn, true));
            case WithdrawalOutcome.Requested:
                await journal.AppendAsync(id, stored!.Number, "withdrawal-request:" + id, now, "WithdrawalRequested", by, null, null, null, cancellationToken);
                break;
        }

        // The orchestration is woken to close the open tasks now; whatever becomes of the event (an instance not
        // started yet drops it), the decision reads the request from the case row. Raised again on a repeated request.
        var requested = stored!.WithdrawalRequestedAt ?? now;
        await engine.RaiseEventAsync(id, EventNames.Withdraw, new WithdrawEvent(stored.WithdrawalRequestedBy ?? by, requested), cancellationToken);
        return TypedResults.Accepted($"/api/applications/{id}", new WithdrawalAccepted(id, stored.Status, true));
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
            return Problems.Validation(new Dictionary<string, string[]> { ["text"] = ["Required, at most 4,000 characters."] });
        }

        var complaint = (await journal.AddComplaintAsync(id, row.Number, user.Subject()!, body.Text.Trim(), time.GetUtcNow(), cancellationToken))!;
        return TypedResults.Created($"/api/applications/{id}/complaints/{complaint.Id}", complaint);
    }

    /// <summary>The case when it belongs to the caller; otherwise null, answered as 404 so ids cannot be probed.</summary>
    internal static async Task<CaseSnapshot?> LoadOwnAsync(CaseStore store, string id, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        Own(await store.LoadAsync(id, cancellationToken), user);

    private static CaseSnapshot? Own(CaseSnapshot? snapshot, ClaimsPrincipal user) =>
        snapshot is not null && string.Equals(snapshot.Case.ApplicantSubject, user.Subject(), StringComparison.Ordinal) ? snapshot : null;
}
