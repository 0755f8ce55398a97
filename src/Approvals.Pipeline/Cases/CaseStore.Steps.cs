using Approvals.Pipeline.Storage;
using Azure;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Cases;

/// <summary>What became of a decision claim by a callback.</summary>
internal enum ClaimOutcome
{
    /// <summary>The decision and its answer were committed together.</summary>
    Claimed,

    /// <summary>This webhook-id was answered first: replay that answer.</summary>
    Answered,

    /// <summary>The task changed (or went) since it was read: read it again and re-evaluate.</summary>
    Moved,
}

/// <summary>The step rows' state changes (one row per department of the case, the service centre's included).</summary>
internal sealed partial class CaseStore
{
    /// <summary>Sets <paramref name="row"/>'s status to <paramref name="to"/> when <see cref="CaseTransitions"/> allows it; false otherwise.</summary>
    private static bool Move(DepartmentRow row, string to)
    {
        if (!CaseTransitions.StepMay(row.Status, to))
        {
            return false;
        }

        row.Status = to;
        return true;
    }

    /// <summary>
    /// Inserts a step row (status Pending); for the lead department also the case's Accepted → InReview move in the
    /// same transaction. True when written, false when the row already existed (a re-run or a re-opened task: nothing
    /// written). The case status is merged without its ETag because the step row's insert guards it: the lead's row is
    /// created once, by the step's first run, right after acceptance — no final status can precede it, since a
    /// withdrawal and the join both wait for this step, which waits for this write. For the lead, null when the
    /// shortcut did not apply (no case row): the caller then moves the case with <see cref="BeginReviewAsync"/>.
    /// </summary>
    public async Task<bool?> OpenStepAsync(DepartmentRow fresh, bool lead, CancellationToken ct)
    {
        if (fresh.Status != StepStatus.Pending)
        {
            throw new ArgumentException("A step opens Pending.", nameof(fresh));
        }

        List<TableTransactionAction> actions = lead && CaseTransitions.CaseMay(CaseStatus.Accepted, CaseStatus.InReview)
            ? [new(TableTransactionActionType.Add, fresh),
               new(TableTransactionActionType.UpdateMerge, new TableEntity(fresh.PartitionKey, CaseRow.KeyOf(fresh.PartitionKey)) { [nameof(CaseRow.Status)] = CaseStatus.InReview }, ETag.All),
               CaseViewRow.Of(fresh, CaseStatus.InReview)]
            : [new(TableTransactionActionType.Add, fresh), CaseViewRow.Of(fresh)];
        try
        {
            // The parallel steps of a case open their tasks at about the same time: their rows share a transaction.
            var responses = await batchers.For(Table).SubmitAsync(actions, ct);
            OpenTasks.Remember(fresh, responses[0].Headers.ETag ?? default);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
        catch (RequestFailedException e) when (e.Status == 404 && lead)
        {
            // No case row to move: the step row alone, as for any step.
            return await OpenStepAsync(fresh, lead: false, ct) == true ? null : false;
        }
    }

    /// <summary>The centre's task re-opened under a new task id after a supplement (unless this very task is there already).</summary>
    public Task<DepartmentRow?> ReopenStepAsync(string caseId, string departmentId, string taskId, DateTimeOffset at, string clockJson, DateTimeOffset? deemedAcceptedAt, CancellationToken ct) =>
        UpdateDepartmentAsync(caseId, departmentId, r =>
        {
            if (r.TaskId == taskId || r.ReceivedAt > at || !Move(r, StepStatus.Pending))
            {
                return false;
            }

            r.TaskId = taskId;
            r.ReceivedAt = at;
            r.ClockJson = clockJson;
            r.DeemedAcceptedAt = deemedAcceptedAt;
            r.RequiredMaterialsJson = "[]";
            r.SupplementRequestId = null;
            return true;
        }, ct);

    /// <summary>
    /// A department's decision on its open task, claimed by the callback: the step row (decision, officer, stopped
    /// clock — visible to the applicant at once) and the callback's answer for its webhook-id, in one transaction
    /// conditional on the step row's ETag as read. The orchestration is told afterwards by an event; a retry of the
    /// callback replays the stored answer and re-raises the stored event.
    /// </summary>
    public async Task<ClaimOutcome> ClaimDecisionAsync(DepartmentRow step, WebhookAnswerRow answer, DecisionEvent decision, DateTimeOffset now, CancellationToken ct)
    {
        var status = Decisions.StepStatusAfter(decision.Decision);
        if (step.TaskId != decision.TaskId || !Move(step, status))
        {
            return ClaimOutcome.Moved;
        }

        step.Officer = decision.Officer;
        step.DecidedVia = decision.Via;
        step.ClaimedBy = answer.RowKey;
        step.Comment = decision.Comment;
        if (decision.Decision == Decisions.RequestSupplement)
        {
            step.SupplementRequestId = decision.TaskId;
            step.RequiredMaterialsJson = StoredJson.Write(decision.RequiredMaterials);
            step.ProvidedMaterialsJson = "[]";
            step.SupplementRequestedAt = now;
        }
        else
        {
            step.Decision = decision.Decision;
            step.ReasonsJson = StoredJson.Write(decision.Reasons);
            step.DecidedAt = now;
            // The step clock stops at the decision; written here, in the claiming transaction, so no later write is needed.
            var events = StoredJson.Read<List<ClockEventDto>>(step.ClockJson) ?? [];
            events.Add(ClockEventDto.Decided(now));
            step.ClockJson = StoredJson.Write(events);
        }

        try
        {
            await Table.SubmitTransactionAsync(
                [new TableTransactionAction(TableTransactionActionType.Add, answer), new TableTransactionAction(TableTransactionActionType.UpdateReplace, step, step.ETag), CaseViewRow.Of(step)],
                ct);
            return ClaimOutcome.Claimed;
        }
        catch (TableTransactionFailedException e) when (e.Status == 409 && e.FailedTransactionActionIndex is null or 0)
        {
            return ClaimOutcome.Answered;
        }
        catch (TableTransactionFailedException e) when (e.Status is 412 or 404)
        {
            return ClaimOutcome.Moved;
        }
        finally
        {
            OpenTasks.Forget(step.PartitionKey, step.DepartmentId);
        }
    }

    /// <summary>
    /// The decision claimed on <paramref name="taskId"/>, as the claiming call stored it for the orchestration; null
    /// while the task is unclaimed (open, closed without a decision, or moved on to another task). The claim commits
    /// before its event is raised, so this is how a decision whose event was lost (a crash between the two) still
    /// reaches the orchestration: re-raised when the decided task is called again, returned to the orchestration by
    /// the activities its timers run (a step alert, deemed acceptance). Delivering it twice is harmless: the
    /// orchestration takes one decision per task.
    /// </summary>
    public async Task<DecisionEvent?> ClaimedDecisionAsync(DepartmentRow step, string taskId, CancellationToken ct) =>
        (await ClaimAsync(step, taskId, ct))?.Decision;

    /// <summary>
    /// The claim of the step's current task whose event has not been raised again yet, for a later call on the decided
    /// task to raise (then mark with <see cref="MarkRaisedAgainAsync"/>); null when there is none or it is marked.
    /// Raise first, mark after: a raise that fails leaves the claim unmarked for the next call; calls racing each
    /// other may each raise once before the mark, and every call after it raises nothing, so a stream of calls adds a
    /// bounded number of events to the case's history.
    /// </summary>
    public async Task<(WebhookAnswerRow Answer, DecisionEvent Decision)?> ClaimToRaiseAgainAsync(DepartmentRow step, CancellationToken ct) =>
        await ClaimAsync(step, step.TaskId, ct) is { Answer.ReRaisedAt: null } claim ? claim : null;

    /// <summary>Marks a claim's event as raised again (<see cref="WebhookAnswerRow.ReRaisedAt"/>): calls after this raise nothing.</summary>
    public async Task MarkRaisedAgainAsync(WebhookAnswerRow answer, DateTimeOffset now, CancellationToken ct)
    {
        answer.ReRaisedAt = now;
        try
        {
            // Merge under the ETag read: the answer row never changes otherwise, so this writes only the mark.
            await Table.UpdateEntityAsync(answer, answer.ETag, TableUpdateMode.Merge, ct);
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            // Marked by a racing call.
        }
    }

    private async Task<(WebhookAnswerRow Answer, DecisionEvent Decision)?> ClaimAsync(DepartmentRow step, string taskId, CancellationToken ct)
    {
        if (step.TaskId != taskId || step.ClaimedBy is null || step.Status == StepStatus.Pending
            || await GetAnswerAsync(step.PartitionKey, step.ClaimedBy, ct) is not { EventJson: { } json } answer)
        {
            return null;
        }

        var decision = System.Text.Json.JsonSerializer.Deserialize<DecisionEvent>(json, StoredJson.Options);
        return decision?.TaskId == taskId ? (answer, decision) : null;
    }

    /// <summary>Stores a callback's answer that changed nothing (a refusal); false when this webhook-id has an answer already.</summary>
    public Task<bool> AddAnswerAsync(WebhookAnswerRow answer, CancellationToken ct) => Table.TryAddAsync(answer, ct);

    /// <summary>The answer stored for a callback's webhook-id, if any.</summary>
    public async Task<WebhookAnswerRow?> GetAnswerAsync(string caseId, string answerKey, CancellationToken ct)
    {
        var stored = await Table.GetEntityIfExistsAsync<WebhookAnswerRow>(caseId, answerKey, cancellationToken: ct);
        return stored.HasValue ? stored.Value : null;
    }

    /// <summary>A task that will not be decided is closed (withdrawal: Cancelled; Art. 32: DeemedAccepted).</summary>
    public Task<DepartmentRow?> CloseStepAsync(string caseId, string departmentId, string taskId, string status, CancellationToken ct) =>
        UpdateDepartmentAsync(caseId, departmentId, r => r.TaskId == taskId && r.Status != status && Move(r, status), ct);

    /// <summary>A step alert level reached; levels only go up.</summary>
    public Task<DepartmentRow?> RaiseStepAlertAsync(string caseId, string departmentId, Licensing.Clock.AlertLevel level, CancellationToken ct) =>
        UpdateDepartmentAsync(caseId, departmentId, r =>
        {
            if (r.AlertLevel >= (int)level)
            {
                return false;
            }

            r.AlertLevel = (int)level;
            return true;
        }, ct);

    /// <summary>
    /// The step's clock paused for a supplement request (the callback already moved the row to AwaitingSupplement
    /// when it claimed the decision; a re-run, or a claim by an older host, completes it here).
    /// </summary>
    public Task<DepartmentRow?> PauseStepAsync(string caseId, string departmentId, DecisionEvent request, IReadOnlyList<ClockEventDto> clock, CancellationToken ct) =>
        UpdateDepartmentAsync(caseId, departmentId, r =>
        {
            if (r.TaskId != request.TaskId || !Move(r, StepStatus.AwaitingSupplement))
            {
                return false;
            }

            r.SupplementRequestId = request.TaskId;
            r.RequiredMaterialsJson = StoredJson.Write(request.RequiredMaterials);
            r.SupplementRequestedAt ??= request.ReceivedAt;
            r.ClockJson = StoredJson.Write(clock);
            return true;
        }, ct);

    /// <summary>Every requested material arrived: the step is Pending again under a new task id.</summary>
    public Task<DepartmentRow?> ResumeStepAsync(string caseId, string departmentId, string previousTaskId, string taskId, IReadOnlyList<ClockEventDto> clock, CancellationToken ct) =>
        UpdateDepartmentAsync(caseId, departmentId, r =>
        {
            if (r.TaskId != previousTaskId || !Move(r, StepStatus.Pending))
            {
                return false;
            }

            r.ProvidedMaterialsJson = r.RequiredMaterialsJson;
            r.TaskId = taskId;
            r.SupplementRequestId = null;
            r.RequiredMaterialsJson = "[]";
            r.ClockJson = StoredJson.Write(clock);
            return true;
        }, ct, touchCase: true); // the step stops accepting its materials: uploads checked before this must check again

    /// <summary>Every attempt of the task webhook failed: shown on the step (the inbox still has the task).</summary>
    public Task<DepartmentRow?> RecordWebhookFailureAsync(string caseId, string departmentId, string error, DateTimeOffset at, CancellationToken ct) =>
        UpdateDepartmentAsync(caseId, departmentId, r =>
        {
            if (r.WebhookFailure == error && r.WebhookFailedAt is not null)
            {
                return false;
            }

            r.WebhookFailure = error;
            r.WebhookFailedAt = at;
            return true;
        }, ct);
}
