using Approvals.Pipeline.Api;
using Approvals.Pipeline.Cases;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Approvals.Pipeline.Departments;

/// <summary>A fresh case-file link (answer of <c>POST …/file-link</c>).</summary>
internal sealed record CaseFileLink(string Url, DateTimeOffset ExpiresAt);

/// <summary>
/// <c>POST /api/applications/{id}/departments/{departmentId}/file-link</c>: a back office whose link expired (a
/// supplement round outlasts it; the notification was lost) asks for a fresh one, signed like its callbacks (Standard
/// Webhooks headers over the request body). The signature covers the body only, never the path, so the body must
/// name the case and the department (<c>{"caseId": …, "departmentId": …}</c>) and they must be the route's: a signed
/// request captured on its way (another case's link request, a decision callback) cannot be replayed to mint a link
/// for another case. It changes nothing, so a replay within the timestamp's tolerance only yields another link for
/// the same case and department; the reads made with it are recorded as they happen.
/// </summary>
internal static class CaseFileLinkApi
{
    private const int MaxBodyBytes = 1024;

    public static async Task<Results<Ok<CaseFileLink>, ProblemHttpResult>> IssueAsync(
        string id, string departmentId, HttpRequest request, DepartmentDirectory directory, CaseFileLinks links, CaseStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var secret = directory.CallbackSecret(departmentId);
        if (secret is null)
        {
            return Problems.Unauthorized("unknown-department", "No callback secret is configured for this department.");
        }

        var webhookId = request.Headers["webhook-id"].ToString();
        var signature = request.Headers["webhook-signature"].ToString();
        if (webhookId.Length is 0 or > 200 || signature.Length == 0 || !long.TryParse(request.Headers["webhook-timestamp"], out var timestamp))
        {
            return Problems.Unauthorized("signature-missing", "webhook-id, webhook-timestamp and webhook-signature headers are required.");
        }

        if (!WebhookSignature.IsFresh(timestamp, time.GetUtcNow()))
        {
            return Problems.Unauthorized("signature-expired", "webhook-timestamp is more than 5 minutes away from now.");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[MaxBodyBytes + 1];
        int n;
        while ((n = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > MaxBodyBytes)
            {
                return Problems.Create(StatusCodes.Status413PayloadTooLarge, "body-too-large", $"The body is at most {MaxBodyBytes} bytes.");
            }
        }

        if (!WebhookSignature.Verify(secret, webhookId, timestamp, buffer.ToArray(), signature))
        {
            return Problems.Unauthorized("signature-invalid", "The webhook signature does not match.");
        }

        if (!NamesRoute(buffer.ToArray(), id, departmentId))
        {
            return Problems.Create(StatusCodes.Status422UnprocessableEntity, "body-mismatch",
                "The signed body must be {\"caseId\": …, \"departmentId\": …} naming this case and department.");
        }

        if (!CaseStore.IsValidCaseId(id) || await store.GetDepartmentAsync(id, departmentId, cancellationToken) is null)
        {
            return Problems.NotFound("Application");
        }

        var (url, expiresAt) = links.Create(id, departmentId)!.Value;
        return TypedResults.Ok(new CaseFileLink(url, expiresAt));
    }

    /// <summary>True when the signed body is a JSON object whose caseId and departmentId are the route's.</summary>
    private static bool NamesRoute(byte[] body, string caseId, string departmentId)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && doc.RootElement.TryGetProperty("caseId", out var c) && c.ValueKind == System.Text.Json.JsonValueKind.String && c.GetString() == caseId
                && doc.RootElement.TryGetProperty("departmentId", out var d) && d.ValueKind == System.Text.Json.JsonValueKind.String && d.GetString() == departmentId;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
