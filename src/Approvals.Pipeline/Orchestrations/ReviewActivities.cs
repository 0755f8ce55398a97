using Microsoft.DurableTask;
using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Storage;

namespace Approvals.Pipeline.Orchestrations;

/// <summary>Activities of a department step. Each is idempotent: a re-run finds its effect already in place.</summary>
internal static partial class ReviewActivities
{
    /// <summary>Opens a task: the department row (visible to the applicant), the inbox row, the timeline entry.</summary>
    internal sealed class OpenTask(PipelineServices s, Departments.WebhookSender webhooks) : PipelineActivity<OpenTaskInput, OpenTaskResult>
    {
        public override async Task<OpenTaskResult> RunAsync(ActivityCall context, OpenTaskInput input)
        {
            var ct = context.CancellationToken;
            var (type, _) = s.Pinned(input.Case);
            var (name, role, rules) = s.Step(type, input.DepartmentId);
            var (state, due) = s.Evaluate(input.Case, input.DepartmentId, input.Clock, input.At);
            var fresh = new DepartmentRow
            {
                PartitionKey = input.Case.CaseId,
                RowKey = DepartmentRow.KeyFor(input.Case.CaseId, input.DepartmentId),
                DepartmentId = input.DepartmentId,
                Name = name,
                Role = role,
                LicenceTypeId = input.Case.LicenceTypeId,
                LicenceTypeVersion = input.Case.LicenceTypeVersion,
                InstanceId = input.InstanceId,
                TaskId = input.TaskId,
                Status = StepStatus.Pending,
                ReceivedAt = input.At,
                LimitWorkingDays = rules.LimitWorkingDays,
                FollowUpWorkingDays = rules.FollowUpWorkingDays,
                ClockJson = StoredJson.Write(input.Clock),
                DeemedAcceptedAt = input.IsServiceCentre ? state.DeemedAcceptedAt : null,
            };
            var lead = !input.IsServiceCentre && input.DepartmentId == type.Lead.DepartmentId;
            var resumed = input.IsServiceCentre && input.Clock.Count > 0 && input.Clock[^1].Kind == nameof(Licensing.Clock.Resumed);
            var snapshot = ClockSnapshot.From(state);

            // The step row, then the inbox row (a department that reads its inbox finds the task it can answer); the
            // timeline entries meanwhile — the parallel steps of a case then append at about the same moment and
            // share the chain's transaction.
            async Task StepAndInboxAsync()
            {
                // The parallel steps of a case open their tasks at about the same time: their step rows (one case
                // partition) share a transaction.
                var created = await s.Cases.OpenStepAsync(fresh, lead, ct);
                if (created == false)
                {
                    // Re-opened (service centre after a supplement): replace the task unless this very task is already there.
                    await s.Cases.ReopenStepAsync(input.Case.CaseId, input.DepartmentId, input.TaskId, input.At, fresh.ClockJson, fresh.DeemedAcceptedAt, ct);
                }

                await s.Inbox.UpsertAsync(input.DepartmentId, input.Case.CaseId, input.Case.CaseNumber, type.Id, type.Name,
                    input.IsServiceCentre ? "acceptance" : "review", input.TaskId, StepStatus.Pending, due, input.At, ct);
                if (input.IsServiceCentre)
                {
                    // The acceptance step's events are the case clock until acceptance.
                    await s.Cases.ReopenAcceptanceAsync(input.Case.CaseId, input.Clock, ct);
                }
                else if (lead && created != true)
                {
                    // One step (the lead's) moves the case from Accepted to InReview: one write per case, not per department.
                    await s.Cases.BeginReviewAsync(input.Case.CaseId, ct);
                }
            }

            var notified = CaseJournal.Entry(input.Case, context.IdempotencyKey, input.At, "DepartmentNotified", "system", input.DepartmentId,
                new Dictionary<string, string?> { ["taskId"] = input.TaskId, ["channel"] = "inbox" }, snapshot);
            var timeline = s.Journal.AppendAllAsync(resumed
                ? [CaseJournal.Entry(input.Case, context.IdempotencyKey + ":resumed", input.At, "ClockResumed", "system", input.DepartmentId, null, snapshot), notified]
                : [notified], ct);
            await Task.WhenAll(StepAndInboxAsync(), timeline);
            return await webhooks.FirstAttemptAsync(new NotifyInput(input.Case, input.DepartmentId, input.TaskId, due), ct);
        }
    }

    /// <summary>Records a final decision of a step (approve/reject, or accept/not-accept at the service centre).</summary>
    internal sealed class RecordDecision(PipelineServices s) : PipelineActivity<RecordDecisionInput, bool>
    {
        public override async Task<bool> RunAsync(ActivityCall context, RecordDecisionInput input)
        {
            var ct = context.CancellationToken;
            var d = input.Decision;
            var status = Decisions.StepStatusAfter(d.Decision);
            var at = input.Clock[^1].At;
            var (state, _) = s.Evaluate(input.Case, input.DepartmentId, input.Clock, at);
            // The callback wrote the decision and the stopped clock into the step row when it claimed the task (one
            // transaction); a final decision ends the step, so the inbox row takes a plain merge (no later task exists).
            // Independent writes (inbox, timeline, statistics, alerts), made together.
            var (type, _) = s.Pinned(input.Case);
            s.Cases.OpenTasks.Forget(input.Case.CaseId, input.DepartmentId); // decided, whichever host took the callback
            await Task.WhenAll(
                s.Inbox.MergeStatusAsync(input.DepartmentId, input.Case.CaseId, status, ct),
                s.Journal.AppendAsync(input.Case, context.IdempotencyKey, d.ReceivedAt, "DepartmentDecided", PipelineServices.Actor(d), input.DepartmentId,
                    new Dictionary<string, string?> { ["decision"] = d.Decision, ["reasons"] = string.Join("；", d.Reasons), ["taskId"] = d.TaskId, ["comment"] = d.Comment, ["claimedOfficer"] = d.ClaimedOfficer },
                    ClockSnapshot.From(state), ct),
                s.Journal.RecordDecidedAsync(input.Case.CaseId, input.Case.CaseNumber, type.Id, input.DepartmentId, status,
                    d.ReceivedAt, state.WorkingDaysUsed, state.DecidedOnTime ?? true, ct),
                input.AlertsOpen ? s.Journal.CloseAlertsAsync(input.Case.CaseId, input.DepartmentId, d.ReceivedAt, ct) : Task.CompletedTask);
            return true;
        }
    }

    /// <summary>
    /// Closes a task that will not be decided (withdrawal, deemed acceptance) — unless a decision claimed it first
    /// (the step row's ETag orders the two): then the task keeps that decision, and the decision is returned, since its
    /// event may never come (<see cref="CaseStore.ClaimedDecisionAsync"/>). The inbox shows whichever won.
    /// </summary>
    internal sealed class CancelTask(PipelineServices s) : PipelineActivity<CancelTaskInput, DecisionEvent?>
    {
        public override async Task<DecisionEvent?> RunAsync(ActivityCall context, CancelTaskInput input)
        {
            var ct = context.CancellationToken;
            var row = await s.Cases.CloseStepAsync(input.Case.CaseId, input.DepartmentId, input.TaskId, input.Status, ct);
            var claimed = row is not null && row.Status != input.Status ? await s.Cases.ClaimedDecisionAsync(row, input.TaskId, ct) : null;
            await s.Inbox.SetStatusAsync(input.DepartmentId, input.Case.CaseId, input.TaskId, claimed is null ? input.Status : row!.Status, ct);
            await s.Journal.CloseAlertsAsync(input.Case.CaseId, input.DepartmentId, s.Time.GetUtcNow(), ct);
            return claimed;
        }
    }

    /// <summary>
    /// Raises a step alert (预警 / 黄牌 / 红牌) with the supervisors and on the step row — unless the task's decision is
    /// claimed already (its event late, or lost to a crash): then no alert, and the decision is returned for the
    /// orchestration to take (<see cref="CaseStore.ClaimedDecisionAsync"/>).
    /// </summary>
    internal sealed class RaiseStepAlert(PipelineServices s) : PipelineActivity<StepAlertInput, DecisionEvent?>
    {
        public override async Task<DecisionEvent?> RunAsync(ActivityCall context, StepAlertInput input)
        {
            var ct = context.CancellationToken;
            if (await s.Cases.GetDepartmentAsync(input.Case.CaseId, input.DepartmentId, ct) is { } step
                && await s.Cases.ClaimedDecisionAsync(step, input.TaskId, ct) is { } claimed)
            {
                return claimed;
            }

            await s.Journal.RaiseAlertAsync(input.Case.CaseId, input.Case.CaseNumber, input.Case.LicenceTypeId, input.DepartmentId, input.Level, input.At, input.Clock.DueDate, ct);
            await s.Cases.RaiseStepAlertAsync(input.Case.CaseId, input.DepartmentId, input.Level, ct);
            await s.Journal.AppendAsync(input.Case, context.IdempotencyKey, input.At, "AlertRaised", "system", input.DepartmentId,
                new Dictionary<string, string?> { ["level"] = input.Level.ToString() }, input.Clock, ct);
            return null;
        }
    }
}
