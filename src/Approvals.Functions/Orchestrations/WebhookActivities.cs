using System.Text;
using System.Text.Json;
using Approvals.Durable;
using Approvals.Functions.Cases;
using Approvals.Functions.Departments;
using Approvals.Functions.Storage;

namespace Approvals.Functions.Orchestrations;

/// <summary>Outgoing signed task notifications to departments that configured a webhook URL.</summary>
internal static class WebhookActivities
{
    public const string HttpClientName = "department-webhooks";

    /// <summary>
    /// POSTs the task, signed like incoming callbacks (Standard Webhooks). The <c>webhook-id</c> is the same on every
    /// retry so the receiver can drop duplicates. Throws on any non-2xx answer: the engine retries with backoff.
    /// </summary>
    internal sealed class NotifyDepartment(DepartmentDirectory directory, IHttpClientFactory http, PipelineServices s, Api.PublicUrls urls) : TaskActivity<NotifyInput, bool>
    {
        public override async Task<bool> RunAsync(TaskActivityContext context, NotifyInput input)
        {
            var url = directory.WebhookUrl(input.DepartmentId);
            if (url is null)
            {
                return false;
            }

            var secret = directory.CallbackSecret(input.DepartmentId)
                ?? throw new InvalidOperationException($"Department {input.DepartmentId} has a WebhookUrl but no CallbackSecret to sign with.");
            var decisionUrl = urls.Decision(input.Case.CaseId, input.DepartmentId);
            var body = JsonSerializer.SerializeToUtf8Bytes(
                new TaskNotification("task.created", input.Case.CaseId, input.Case.CaseNumber, input.DepartmentId, input.TaskId, input.Case.LicenceTypeId, input.DueDate, decisionUrl),
                StoredJson.Options);
            var id = "task_" + input.TaskId;
            var timestamp = s.Time.GetUtcNow().ToUnixTimeSeconds();
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json") { CharSet = Encoding.UTF8.WebName };
            request.Headers.Add("webhook-id", id);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", WebhookSignature.Sign(secret, id, timestamp, body));
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, context.CancellationToken);
            response.EnsureSuccessStatusCode();
            return true;
        }
    }

    /// <summary>Every attempt failed: the failure is recorded on the step and in the timeline; the inbox still has the task.</summary>
    internal sealed class RecordWebhookFailure(PipelineServices s) : TaskActivity<WebhookFailureInput, bool>
    {
        public override async Task<bool> RunAsync(TaskActivityContext context, WebhookFailureInput input)
        {
            var ct = context.CancellationToken;
            var now = s.Time.GetUtcNow();
            var error = input.Error.Length > 500 ? input.Error[..500] : input.Error;
            await s.Cases.UpdateDepartmentAsync(input.Case.CaseId, input.DepartmentId, r =>
            {
                r.WebhookFailure = error;
                r.WebhookFailedAt = now;
                return true;
            }, ct);
            await s.Journal.AppendAsync(input.Case, context.IdempotencyKey, now, "DepartmentNotified", "system", input.DepartmentId,
                new Dictionary<string, string?> { ["channel"] = "webhook", ["outcome"] = "failed", ["taskId"] = input.TaskId, ["error"] = error }, null, ct);
            return true;
        }
    }
}
