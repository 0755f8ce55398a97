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
            await s.Cases.UpdateDepartmentAsync(input.Case.CaseId, input.DepartmentId, r =>
            {
                if (r.TaskId != d.TaskId)
                {
                    return false;
                }

                r.Status = StepStatus.AwaitingSupplement;
                r.SupplementRequestId = d.TaskId;
                r.RequiredMaterialsJson = StoredJson.Write(d.RequiredMaterials);
                r.SupplementRequestedAt ??= d.ReceivedAt;
                r.ClockJson = StoredJson.Write(input.Clock);
                return true;
            }, ct);
            await s.Inbox.SetStatusAsync(input.DepartmentId, input.Case.CaseId, d.TaskId, StepStatus.AwaitingSupplement, ct);
            await s.Cases.UpdateCaseAsync(input.Case.CaseId, r =>
            {
                var pausedBy = StoredJson.Read<List<string>>(r.PausedByJson) ?? [];
                if (pausedBy.Contains(input.DepartmentId) || CaseStatus.IsFinal(r.Status))
                {
                    return false;
                }

                pausedBy.Add(input.DepartmentId);
                r.PausedByJson = StoredJson.Write(pausedBy);
                r.Status = CaseStatus.AwaitingSupplement;
                if (input.IsServiceCentre)
                {
                    r.ClockJson = StoredJson.Write(input.Clock);
                }
                else if (pausedBy.Count == 1)
                {
                    var events = StoredJson.Read<List<ClockEventDto>>(r.ClockJson) ?? [];
                    events.Add(ClockEventDto.Paused(at, PauseReason.Supplement, LegalBasis.ReviewSupplement));
                    r.ClockJson = StoredJson.Write(events);
                }

                return true;
            }, ct);
            var snapshot = ClockSnapshot.From(state);
            await s.Journal.AppendAsync(input.Case, context.IdempotencyKey + ":request", d.ReceivedAt, "SupplementRequested", PipelineServices.Actor(d), input.DepartmentId,
                new Dictionary<string, string?> { ["requiredMaterials"] = string.Join(",", d.RequiredMaterials), ["taskId"] = d.TaskId, ["comment"] = d.Comment, ["claimedOfficer"] = d.ClaimedOfficer }, snapshot, ct);
            await s.Journal.AppendAsync(input.Case, context.IdempotencyKey + ":paused", at, "ClockPaused", "system", input.DepartmentId,
                new Dictionary<string, string?> { ["reason"] = nameof(PauseReason.Supplement), ["legalBasis"] = state.PauseLegalBasis }, snapshot, ct);
            return true;
        }
    }

    /// <summary>Every requested material arrived: the step clock resumes under a new task id; the case clock when no step waits.</summary>
    internal sealed class ResumeStep(PipelineServices s) : PipelineActivity<ResumeInput, bool>
    {
        public override async Task<bool> RunAsync(ActivityCall context, ResumeInput input)
        {
            var ct = context.CancellationToken;
            var at = input.Clock[^1].At;
            var (type, _) = s.Pinned(input.Case);
            var (state, due) = s.Evaluate(input.Case, input.DepartmentId, input.Clock, at);
            await s.Cases.UpdateDepartmentAsync(input.Case.CaseId, input.DepartmentId, r =>
            {
                if (r.TaskId != input.PreviousTaskId)
                {
                    return false;
                }

                r.ProvidedMaterialsJson = r.RequiredMaterialsJson;
                r.TaskId = input.TaskId;
                r.Status = StepStatus.Pending;
                r.SupplementRequestId = null;
                r.RequiredMaterialsJson = "[]";
                r.ClockJson = StoredJson.Write(input.Clock);
                return true;
            }, ct);
            await s.Inbox.UpsertAsync(input.DepartmentId, input.Case.CaseId, input.Case.CaseNumber, type.Id, type.Name, "review", input.TaskId, StepStatus.Pending, due, at, ct);
            await s.Cases.UpdateCaseAsync(input.Case.CaseId, r =>
            {
                var pausedBy = StoredJson.Read<List<string>>(r.PausedByJson) ?? [];
                if (!pausedBy.Remove(input.DepartmentId))
                {
                    return false;
                }

                r.PausedByJson = StoredJson.Write(pausedBy);
                if (pausedBy.Count == 0)
                {
                    var events = StoredJson.Read<List<ClockEventDto>>(r.ClockJson) ?? [];
                    events.Add(ClockEventDto.Resumed(at));
                    r.ClockJson = StoredJson.Write(events);
                    if (r.Status == CaseStatus.AwaitingSupplement)
                    {
                        r.Status = CaseStatus.InReview;
                    }
                }

                return true;
            }, ct);
            var snapshot = ClockSnapshot.From(state);
            await s.Journal.AppendAsync(input.Case, context.IdempotencyKey + ":provided", at, "SupplementProvided", "applicant", input.DepartmentId,
                new Dictionary<string, string?> { ["previousTaskId"] = input.PreviousTaskId, ["taskId"] = input.TaskId }, snapshot, ct);
            await s.Journal.AppendAsync(input.Case, context.IdempotencyKey + ":resumed", at, "ClockResumed", "system", input.DepartmentId, null, snapshot, ct);
            return true;
        }
    }
}
