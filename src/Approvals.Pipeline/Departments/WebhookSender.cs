using System.Text;
using System.Text.Json;
using Approvals.Pipeline.Orchestrations;
using Approvals.Pipeline.Storage;

namespace Approvals.Pipeline.Departments;

/// <summary>
/// Sends the signed task notification to a department's webhook URL, signed like incoming callbacks (Standard
/// Webhooks). The <c>webhook-id</c> is derived from the task id, so every attempt — inline or retried, or a re-run
/// activity — is the same message to the receiver, which drops duplicates. The body carries a signed link to the
/// department's case file (<see cref="CaseFileLinks"/>).
/// </summary>
internal sealed class WebhookSender(DepartmentDirectory directory, IHttpClientFactory http, TimeProvider time, Api.PublicUrls urls, CaseFileLinks links)
{
    public const string HttpClientName = "department-webhooks";

    public bool IsConfigured(string departmentId) => directory.WebhookUrl(departmentId) is not null;

    /// <summary>
    /// The first attempt, made inside the activity that opens or resumes the task (the common case costs no extra
    /// activity): whether the orchestration still has to deliver it, with retries (<c>NotifyDepartment</c>).
    /// </summary>
    public async Task<OpenTaskResult> FirstAttemptAsync(NotifyInput input, CancellationToken cancellationToken)
    {
        if (!IsConfigured(input.DepartmentId))
        {
            return new(input.DueDate, false);
        }

        try
        {
            await SendAsync(input, cancellationToken);
            return new(input.DueDate, false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new(input.DueDate, true);
        }
    }

    /// <summary>Sends once; throws <see cref="HttpRequestException"/> (or a timeout) when the department does not answer 2xx.</summary>
    public async Task SendAsync(NotifyInput input, CancellationToken cancellationToken)
    {
        var url = directory.WebhookUrl(input.DepartmentId) ?? throw new InvalidOperationException($"Department {input.DepartmentId} has no WebhookUrl.");
        var secret = directory.CallbackSecret(input.DepartmentId)
            ?? throw new InvalidOperationException($"Department {input.DepartmentId} has a WebhookUrl but no CallbackSecret to sign with.");
        // The case file travels as a signed link, fresh on every attempt (a retry hours later still carries a live one).
        var file = links.Create(input.Case.CaseId, input.DepartmentId);
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new TaskNotification(input.PreviousTaskId is null ? TaskNotification.Created : TaskNotification.Resumed, input.Case.CaseId, input.Case.CaseNumber,
                input.DepartmentId, input.TaskId, input.Case.LicenceTypeId, input.DueDate, urls.Decision(input.Case.CaseId, input.DepartmentId), file?.Url, file?.ExpiresAt,
                input.PreviousTaskId),
            StoredJson.Options);
        var id = "task_" + input.TaskId;
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = Encoding.UTF8.WebName };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Sign(secret, id, timestamp, body));
        using var response = await http.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
