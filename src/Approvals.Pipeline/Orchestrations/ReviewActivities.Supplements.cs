using Microsoft.DurableTask;
using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Storage;
using Approvals.Licensing.Clock;

namespace Approvals.Pipeline.Orchestrations;

internal static partial class ReviewActivities
{
    /// <summary>
    /// A supplement request (补正): the step clock pauses; the case clock pauses too while any step waits for the
    /// applicant, and the case shows <c>AwaitingSupplement</c> with the requested materials.
    /// </summary>
    internal sealed class PauseStep(PipelineServices s) : PipelineActivity<PauseInput, bool>
    {
        public override async Task<bool> RunAsync(ActivityCall context, PauseInput input)
        {
            var ct = context.CancellationToken;
            var d = input.Request;
            var at = input.Clock[^1].At;
            var (state, _) = s.Evaluate(input.Case, input.DepartmentId, input.Clock, at);
            await s.Cases.PauseStepAsync(input.Case.CaseId, input.DepartmentId, d, input.Clock, ct);
            await s.Inbox.SetStatusAsync(input.DepartmentId, input.Case.CaseId, d.TaskId, StepStatus.AwaitingSupplement, ct);
            await s.Cases.PauseForSupplementAsync(input.Case.CaseId, input.DepartmentId, at, input.IsServiceCentre, input.Clock, ct);
            var snapshot = ClockSnapshot.From(state);
            await s.Journal.AppendAsync(input.Case, context.IdempotencyKey + ":request", d.ReceivedAt, "SupplementRequested", PipelineServices.Actor(d), input.DepartmentId,
                new Dictionary<string, string?> { ["requiredMaterials"] = string.Join(",", d.RequiredMaterials), ["taskId"] = d.TaskId, ["comment"] = d.Comment, ["claimedOfficer"] = d.ClaimedOfficer }, snapshot, ct);
            await s.Journal.AppendAsync(input.Case, context.IdempotencyKey + ":paused", at, "ClockPaused", "system", input.DepartmentId,
                new Dictionary<string, string?> { ["reason"] = nameof(PauseReason.Supplement), ["legalBasis"] = state.PauseLegalBasis }, snapshot, ct);
            return true;
        }
    }

    /// <summary>
    /// Every requested material arrived: the step clock resumes under a new task id; the case clock when no step
    /// waits. A department with a webhook is told (<c>task.resumed</c>), first attempt inline as when a task opens.
    /// </summary>
    internal sealed class ResumeStep(PipelineServices s, Departments.WebhookSender webhooks) : PipelineActivity<ResumeInput, OpenTaskResult>
    {
        public override async Task<OpenTaskResult> RunAsync(ActivityCall context, ResumeInput input)
        {
            var ct = context.CancellationToken;
            var at = input.Clock[^1].At;
            var (type, _) = s.Pinned(input.Case);
            var (state, due) = s.Evaluate(input.Case, input.DepartmentId, input.Clock, at);
            await s.Cases.ResumeStepAsync(input.Case.CaseId, input.DepartmentId, input.PreviousTaskId, input.TaskId, input.Clock, ct);
            await s.Inbox.UpsertAsync(input.DepartmentId, input.Case.CaseId, input.Case.CaseNumber, type.Id, type.Name, "review", input.TaskId, StepStatus.Pending, due, at, ct);
            await s.Cases.ResumeAfterSupplementAsync(input.Case.CaseId, input.DepartmentId, at, ct);
            var snapshot = ClockSnapshot.From(state);
            await s.Journal.AppendAsync(input.Case, context.IdempotencyKey + ":provided", at, "SupplementProvided", "applicant", input.DepartmentId,
                new Dictionary<string, string?> { ["previousTaskId"] = input.PreviousTaskId, ["taskId"] = input.TaskId }, snapshot, ct);
            await s.Journal.AppendAsync(input.Case, context.IdempotencyKey + ":resumed", at, "ClockResumed", "system", input.DepartmentId, null, snapshot, ct);
            return await webhooks.FirstAttemptAsync(new NotifyInput(input.Case, input.DepartmentId, input.TaskId, due, input.PreviousTaskId), ct);
        }
    }
}
