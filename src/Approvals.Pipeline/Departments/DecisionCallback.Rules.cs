using System.Text.Json;
using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Orchestrations;
using Approvals.Pipeline.Storage;

namespace Approvals.Pipeline.Departments;

internal static partial class DecisionCallback
{
    /// <summary>
    /// Decides the answer for a verified call against the task as stored; a decision event only when accepted. The same
    /// rules for both callers, but for who decided: an officer by token must hold the task (claimed or assigned to
    /// them) and is recorded by the token's subject, whatever the body says; a back office names its officer in the
    /// body, recorded as its claim.
    /// </summary>
    private static (Answer Answer, DecisionEvent? Decision) Evaluate(byte[] body, string caseId, string licenceTypeId, string licenceTypeVersion, DepartmentRow step, string departmentId, Decider decider, CaseClocks clocks, DateTimeOffset now)
    {
        DecisionRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<DecisionRequest>(body, StoredJson.Options);
        }
        catch (JsonException)
        {
            request = null;
        }

        if (request is null || string.IsNullOrWhiteSpace(request.TaskId) || string.IsNullOrWhiteSpace(request.Decision))
        {
            return (Answer.Problem(400, "invalid-body", "Body must be JSON with taskId and decision."), null);
        }

        if (!string.Equals(request.TaskId, step.TaskId, StringComparison.Ordinal))
        {
            return (Answer.Problem(409, "task-stale", "This taskId is not the department's current task for the application."), null);
        }

        if (!StepStatus.IsOpen(step.Status))
        {
            return (Answer.Problem(409, "task-decided", $"The task is no longer open (status {step.Status})."), null);
        }

        if (step.DeemedAcceptedAt is { } deemed && now >= deemed)
        {
            // Art. 32: the window for 一次性告知 or a refusal closed; the case is accepted whatever is sent now.
            return (Answer.Problem(409, "deemed-accepted", $"The application counts as accepted since {deemed:O} (行政许可法 Art. 32): the service centre can no longer decide on its acceptance."), null);
        }

        if (decider.Subject is { } subject && step.Assignee != subject)
        {
            return step.Assignee is null
                ? (Answer.Problem(409, "task-not-claimed", "Claim the task before deciding on it."), null)
                : (Answer.Problem(409, "task-held-by-other", "Another officer holds this task."), null);
        }

        var type = clocks.Type(licenceTypeId, licenceTypeVersion);
        var serviceCentre = departmentId == type.ServiceCentre.DepartmentId;
        var decision = request.Decision.Trim().ToLowerInvariant();
        var allowed = serviceCentre
            ? new[] { Decisions.Accept, Decisions.NotAccept, Decisions.RequestSupplement }
            : [Decisions.Approve, Decisions.Reject, Decisions.RequestSupplement];
        var errors = new List<string>();
        if (!allowed.Contains(decision))
        {
            errors.Add($"decision must be one of: {string.Join(", ", allowed)}.");
        }

        var reasons = (request.Reasons ?? []).Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim()).ToList();
        if (decision is Decisions.Reject or Decisions.NotAccept && reasons.Count == 0)
        {
            errors.Add("reasons are required when rejecting or refusing to accept.");
        }

        var required = (request.RequiredMaterials ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (decision == Decisions.RequestSupplement)
        {
            if (required.Count == 0)
            {
                errors.Add("requiredMaterials must name at least one material.");
            }

            errors.AddRange(required.Where(m => type.FindMaterial(m) is null).Select(m => $"requiredMaterials: '{m}' is not in the checklist."));
        }

        // By token the officer is the subject and the body's officer field is ignored; a back office must name one.
        var officer = decider.Subject ?? request.Officer?.Trim();
        if (decider.Subject is null && (string.IsNullOrWhiteSpace(officer) || officer.Length > 100))
        {
            errors.Add("officer is required (at most 100 characters).");
        }

        if (errors.Count > 0)
        {
            return (Answer.Problem(422, "invalid-decision", "The decision is not valid.", errors), null);
        }

        var status = Decisions.StepStatusAfter(decision);
        var accepted = new DecisionAccepted(caseId, departmentId, step.TaskId, decision, status);
        var evt = new DecisionEvent(step.TaskId, departmentId, decision, reasons, officer!, request.Comment, required, now, decider.Via);
        return (new Answer(202, JsonSerializer.Serialize(accepted, StoredJson.Options), "application/json"), evt);
    }

    /// <summary>An answer as stored for replay: status, exact body, content type.</summary>
    private sealed record Answer(int Status, string Body, string ContentType)
    {
        /// <summary>A refusal's problem code (not stored: a replayed answer is its stored body).</summary>
        public string? Code { get; init; }

        public static Answer Problem(int status, string code, string title, IReadOnlyList<string>? errors = null)
        {
            var doc = new Dictionary<string, object?>
            {
                ["type"] = Api.Problems.TypeOf(code),
                ["title"] = title,
                ["status"] = status,
                ["code"] = code,
            };
            if (errors is not null)
            {
                doc["errors"] = errors;
            }

            return new Answer(status, JsonSerializer.Serialize(doc, StoredJson.Options), "application/problem+json") { Code = code };
        }

        public StoredAnswerResult ToResult(bool replayed = false) => new(this, replayed);
    }

    private sealed class StoredAnswerResult(Answer answer, bool replayed) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = answer.Status;
            httpContext.Response.ContentType = answer.ContentType;
            if (replayed)
            {
                httpContext.Response.Headers["webhook-replayed"] = "true";
            }

            await httpContext.Response.WriteAsync(answer.Body, httpContext.RequestAborted);
        }
    }
}
