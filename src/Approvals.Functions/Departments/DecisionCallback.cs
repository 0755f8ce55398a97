using System.Text.Json;
using Approvals.Durable;
using Approvals.Functions.Cases;
using Approvals.Functions.Orchestrations;
using Approvals.Functions.Storage;
using Azure;
using Azure.Data.Tables;

namespace Approvals.Functions.Departments;

/// <summary>
/// The signed decision callback. Order matters: the signature is checked before anything about the case is read;
/// a repeated <c>webhook-id</c> gets its first answer from the stored record; the task is claimed (department row
/// updated with its ETag) in the same entity-group transaction that stores the answer, so a rejected or duplicate
/// call changes nothing and two racing callbacks cannot both decide. Only then is the orchestration told.
/// </summary>
internal static partial class DecisionCallback
{
    private const int MaxBodyBytes = 64 * 1024;

    public static async Task<IResult> HandleAsync(
        string id, string departmentId, HttpRequest request, DepartmentDirectory directory, CaseStore store, CaseClocks clocks,
        DurableTaskClient engine, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var secret = directory.CallbackSecret(departmentId);
        if (secret is null)
        {
            return Answer.Problem(401, "unknown-department", "No callback secret is configured for this department.").ToResult();
        }

        var webhookId = request.Headers["webhook-id"].ToString();
        var signature = request.Headers["webhook-signature"].ToString();
        if (webhookId.Length is 0 or > 200 || signature.Length == 0 || !long.TryParse(request.Headers["webhook-timestamp"], out var timestamp))
        {
            return Answer.Problem(401, "signature-missing", "webhook-id, webhook-timestamp and webhook-signature headers are required.").ToResult();
        }

        if (!WebhookSignature.IsFresh(timestamp, now))
        {
            return Answer.Problem(401, "signature-expired", "webhook-timestamp is more than 5 minutes away from now.").ToResult();
        }

        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            return Answer.Problem(413, "body-too-large", "A decision body is at most 64 KiB.").ToResult();
        }

        if (!WebhookSignature.Verify(secret, webhookId, timestamp, body, signature))
        {
            return Answer.Problem(401, "signature-invalid", "The webhook signature does not match.").ToResult();
        }

        if (!CaseStore.IsValidCaseId(id))
        {
            return Answer.Problem(404, "not-found", "Application not found.").ToResult();
        }

        await store.Storage.EnsureCreatedAsync(cancellationToken);
        var hookKey = WebhookAnswerRow.KeyFor(departmentId, webhookId);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            // One round-trip reads the three rows that matter: a stored answer, the case, the department's task.
            var (replay, caseRow, step) = await ReadRowsAsync(store, id, departmentId, hookKey, cancellationToken);
            if (replay is not null)
            {
                return await ReplayAsync(replay, engine, cancellationToken);
            }

            if (caseRow is null || step is null)
            {
                return Answer.Problem(404, "not-found", "No task of this department exists for this application.").ToResult();
            }

            var (answer, decision) = Evaluate(body, caseRow, step, departmentId, clocks, now);
            var hook = new WebhookAnswerRow { PartitionKey = id, RowKey = hookKey, StatusCode = answer.Status, Body = answer.Body, ContentType = answer.ContentType, At = now };
            if (decision is null)
            {
                // A refused decision is answered the same way when repeated; it changes nothing else.
                if (await store.Table.TryAddAsync(hook, cancellationToken))
                {
                    return answer.ToResult();
                }

                continue;
            }

            hook.EventInstanceId = step.InstanceId;
            hook.EventJson = JsonSerializer.Serialize(decision, StoredJson.Options);
            Claim(step, decision, now);
            try
            {
                await store.Table.SubmitTransactionAsync(
                    [new TableTransactionAction(TableTransactionActionType.Add, hook), new TableTransactionAction(TableTransactionActionType.UpdateReplace, step, step.ETag), CaseViewRow.Of(step)],
                    cancellationToken);
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
            {
                // Either the same webhook-id was stored meanwhile (replayed next round) or the row changed: re-evaluate.
                continue;
            }

            await engine.RaiseEventAsync(step.InstanceId, EventNames.Decision, decision, cancellationToken);
            return answer.ToResult();
        }

        return Answer.Problem(503, "busy", "The task is changing too often; retry with the same webhook-id.").ToResult();
    }

    private static async Task<IResult> ReplayAsync(WebhookAnswerRow stored, DurableTaskClient engine, CancellationToken cancellationToken)
    {
        // Re-raising is harmless (the orchestration ignores a decision for a task it already left) and repairs the
        // case where the first call stored its answer but failed before the event was raised.
        if (stored.EventInstanceId is not null && stored.EventJson is not null)
        {
            var decision = JsonSerializer.Deserialize<DecisionEvent>(stored.EventJson, StoredJson.Options);
            await engine.RaiseEventAsync(stored.EventInstanceId, EventNames.Decision, decision, cancellationToken);
        }

        return new Answer(stored.StatusCode, stored.Body, stored.ContentType).ToResult(replayed: true);
    }

    private static async Task<(WebhookAnswerRow? Replay, CaseRow? Case, DepartmentRow? Step)> ReadRowsAsync(CaseStore store, string caseId, string departmentId, string hookKey, CancellationToken cancellationToken)
    {
        var filter = $"PartitionKey eq {TableKeys.Literal(caseId)} and (RowKey eq {TableKeys.Literal(CaseRow.Key)} or RowKey eq {TableKeys.Literal(DepartmentRow.KeyFor(departmentId))} or RowKey eq {TableKeys.Literal(hookKey)})";
        WebhookAnswerRow? replay = null;
        CaseRow? caseRow = null;
        DepartmentRow? step = null;
        await foreach (var e in store.Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (e.RowKey == hookKey)
            {
                replay = EntityMapper.To<WebhookAnswerRow>(e);
            }
            else if (e.RowKey == CaseRow.Key)
            {
                caseRow = EntityMapper.To<CaseRow>(e);
            }
            else
            {
                step = EntityMapper.To<DepartmentRow>(e);
            }
        }

        return (replay, caseRow, step);
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int n;
        while ((n = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + n > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }
}
