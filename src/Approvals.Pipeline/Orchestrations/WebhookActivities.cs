using System.Text;
using System.Text.Json;
using Microsoft.DurableTask;
using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Departments;
using Approvals.Pipeline.Storage;

namespace Approvals.Pipeline.Orchestrations;

/// <summary>Outgoing signed task notifications to departments that configured a webhook URL.</summary>
internal static class WebhookActivities
{
    /// <summary>A retry of the task webhook (the first attempt is made inline by OpenTask or ResumeStep); throws on failure so the engine backs off.</summary>
    internal sealed class NotifyDepartment(WebhookSender sender) : PipelineActivity<NotifyInput, bool>
    {
        public override async Task<bool> RunAsync(ActivityCall context, NotifyInput input)
        {
            await sender.SendAsync(input, context.CancellationToken);
            return true;
        }
    }

    /// <summary>Every attempt failed: the failure is recorded on the step and in the timeline; the inbox still has the task.</summary>
    internal sealed class RecordWebhookFailure(PipelineServices s) : PipelineActivity<WebhookFailureInput, bool>
    {
        public override async Task<bool> RunAsync(ActivityCall context, WebhookFailureInput input)
        {
            var ct = context.CancellationToken;
            var now = s.Time.GetUtcNow();
            var error = input.Error.Length > 500 ? input.Error[..500] : input.Error;
            await s.Cases.RecordWebhookFailureAsync(input.Case.CaseId, input.DepartmentId, error, now, ct);
            await s.Journal.AppendAsync(input.Case, context.IdempotencyKey, now, "DepartmentNotified", "system", input.DepartmentId,
                new Dictionary<string, string?> { ["channel"] = "webhook", ["outcome"] = "failed", ["taskId"] = input.TaskId, ["error"] = error }, null, ct);
            return true;
        }
    }
}
