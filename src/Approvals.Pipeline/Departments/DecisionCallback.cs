using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Orchestrations;
using Approvals.Pipeline.Storage;
using Azure;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Departments;

/// <summary>
/// The decision endpoint, for a back office's signed callback and for an officer's token alike: after the caller is
/// known the two share one path (<see cref="DecideAsync"/>), and differ only in who is recorded as deciding — the
/// token's subject, or the officer name the back office claims (<see cref="DecisionEvent.Via"/>). Order matters: the signature is checked before anything about the case is read;
/// the task is claimed (department row updated with its ETag) in the same entity-group transaction that stores the
/// answer under the <c>webhook-id</c>, so a rejected or duplicate call changes nothing, a repeated
/// <c>webhook-id</c> finds its answer stored (the insert fails) and gets that first answer again, and two racing
/// callbacks cannot both decide. Only then is the orchestration told. The task is read from storage, or taken as
/// this process last stored it (<see cref="OpenTaskRows"/>): the claim's ETag then proves it unchanged, and a
/// refusal is only ever answered after a read.
/// </summary>
internal static partial class DecisionCallback
{
    private const int MaxBodyBytes = 64 * 1024;

    public static async Task<IResult> HandleAsync(
        string id, string departmentId, HttpRequest request, DepartmentDirectory directory, CaseStore store, CaseClocks clocks,
        DurableTaskClient engine, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // An officer deciding on the platform sends a token and no webhook signature; everything else is a back office.
        var byOfficer = request.Headers.Authorization.Count > 0 && !request.Headers.ContainsKey("webhook-signature");
        var call = byOfficer ? OfficerCall(id, departmentId, request) : BackOfficeCall(id, departmentId, request, directory, now);
        if (call.Refusal is { } refusal)
        {
            return refusal.ToResult();
        }

        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            return Answer.Problem(413, "body-too-large", "A decision body is at most 64 KiB.").ToResult();
        }

        if (call.VerifyBody?.Invoke(body) == false)
        {
            return Answer.Problem(401, "signature-invalid", "The webhook signature does not match.").ToResult();
        }

        return await DecideAsync(id, departmentId, body, call.Decider!, call.HookKey!, store, clocks, engine, now, cancellationToken);
    }

    /// <summary>A caller as far as it is known before the body is read: who decides, the answer row's key, or the refusal.</summary>
    private sealed record Call(Decider? Decider, string? HookKey, Func<byte[], bool>? VerifyBody, Answer? Refusal)
    {
        public static Call Refused(Answer answer) => new(null, null, null, answer);
    }

    /// <summary>The back office's signed callback: the Standard Webhooks headers now, the signature with the body.</summary>
    private static Call BackOfficeCall(string id, string departmentId, HttpRequest request, DepartmentDirectory directory, DateTimeOffset now)
    {
        var secret = directory.CallbackSecret(departmentId);
        if (secret is null)
        {
            return Call.Refused(Answer.Problem(401, "unknown-department", "No callback secret is configured for this department."));
        }

        var webhookId = request.Headers["webhook-id"].ToString();
        var signature = request.Headers["webhook-signature"].ToString();
        if (webhookId.Length is 0 or > 200 || signature.Length == 0 || !long.TryParse(request.Headers["webhook-timestamp"], out var timestamp))
        {
            return Call.Refused(Answer.Problem(401, "signature-missing", "webhook-id, webhook-timestamp and webhook-signature headers are required."));
        }

        if (!WebhookSignature.IsFresh(timestamp, now))
        {
            return Call.Refused(Answer.Problem(401, "signature-expired", "webhook-timestamp is more than 5 minutes away from now."));
        }

        return new Call(Decider.BackOffice, WebhookAnswerRow.KeyFor(id, departmentId, webhookId),
            body => WebhookSignature.Verify(secret, webhookId, timestamp, body, signature), null);
    }

    /// <summary>
    /// An officer deciding by token: an officer of this department (401/403 otherwise) who must hold the task
    /// (checked with the task, see <see cref="Evaluate"/>). The optional <c>Idempotency-Key</c> header plays the part
    /// of the <c>webhook-id</c>: a repeated key of the same officer gets the first answer and changes nothing. Its
    /// answer row's key has a raw <c>%</c> that an escaped webhook-id can never have, so the two never meet.
    /// </summary>
    private static Call OfficerCall(string id, string departmentId, HttpRequest request)
    {
        if (DepartmentAccess.Officer(request.HttpContext.User, departmentId, out var caller) is { } refused)
        {
            var code = refused.ProblemDetails.Extensions["code"] as string ?? "unauthorized";
            return Call.Refused(Answer.Problem(refused.StatusCode, code, refused.ProblemDetails.Title ?? code));
        }

        var key = request.Headers["Idempotency-Key"].ToString();
        if (key.Length > 200)
        {
            return Call.Refused(Answer.Problem(400, "idempotency-key-too-long", "Idempotency-Key is at most 200 characters."));
        }

        var subject = caller!.Subject!;
        var remembered = key.Length > 0;
        var hookKey = CaseKeys.Row(id, $"hook|{departmentId}|%officer|{Storage.TableKeys.Escape(subject)}|{Storage.TableKeys.Escape(remembered ? key : Guid.NewGuid().ToString("N"))}");
        return new Call(new Decider(DecisionEvent.ViaOfficer, subject, remembered), hookKey, null, null);
    }

    /// <summary>Who decides: a back office (its body names the officer) or an officer by token (the subject is the officer).</summary>
    private sealed record Decider(string Via, string? Subject, bool RemembersRefusals)
    {
        public static readonly Decider BackOffice = new(DecisionEvent.ViaBackOffice, null, true);
    }

    /// <summary>The one decision path of both callers, from the verified body on.</summary>
    private static async Task<IResult> DecideAsync(
        string id, string departmentId, byte[] body, Decider decider, string hookKey, CaseStore store, CaseClocks clocks,
        DurableTaskClient engine, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!CaseStore.IsValidCaseId(id))
        {
            return Answer.Problem(404, "not-found", "Application not found.").ToResult();
        }

        await store.Storage.EnsureCreatedAsync(cancellationToken);
        var mayRemember = true;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            // The department's task: as this process last stored it when it remembers it (then the claim's ETag
            // checks it is still so), else one point read. A stored answer for this webhook-id shows up as the
            // insert of the answer failing (409), and is then read and replayed.
            var remembered = mayRemember ? store.OpenTasks.Get(id, departmentId) : null;
            var step = remembered ?? await store.GetDepartmentAsync(id, departmentId, cancellationToken);
            if (step is null)
            {
                return await ReplayOrAsync(store, engine, id, hookKey, Answer.Problem(404, "not-found", "No task of this department exists for this application."), now, cancellationToken);
            }

            var type = await LicenceTypeOfAsync(store, step, cancellationToken);
            if (type is null)
            {
                return Answer.Problem(404, "not-found", "No task of this department exists for this application.").ToResult();
            }

            var (answer, decision) = Evaluate(body, id, type.Value.Id, type.Value.Version, step, departmentId, decider, clocks, now);
            var hook = new WebhookAnswerRow { PartitionKey = id, RowKey = hookKey, StatusCode = answer.Status, Body = answer.Body, ContentType = answer.ContentType, At = now };
            if (decision is null && remembered is not null)
            {
                // Never refuse on a remembered row: the task may have moved on (a new task id after a supplement).
                mayRemember = false;
                continue;
            }

            if (decision is null)
            {
                // Called on the current task after its decision was claimed (a retry with a new webhook-id after a
                // crash, say): that decision's event is raised again, in case the crash came between the claim and its
                // event — until one such raise has succeeded, however many calls come.
                if (answer.Code == "task-decided" && await store.ClaimToRaiseAgainAsync(step, cancellationToken) is { } claim)
                {
                    await RaiseAgainAsync(store, engine, claim.Answer, claim.Decision, now);
                }

                // A refused decision is answered the same way when repeated; it changes nothing else. An officer's
                // call without an Idempotency-Key cannot be repeated, so its refusal is not stored.
                if (!decider.RemembersRefusals)
                {
                    return answer.ToResult();
                }

                return await store.AddAnswerAsync(hook, cancellationToken)
                    ? answer.ToResult()
                    : await ReplayOrAsync(store, engine, id, hookKey, answer, now, cancellationToken);
            }

            hook.EventInstanceId = step.InstanceId;
            hook.EventJson = JsonSerializer.Serialize(decision, StoredJson.Options);
            switch (await store.ClaimDecisionAsync(step, hook, decision, now, cancellationToken))
            {
                case ClaimOutcome.Answered:
                    // The same webhook-id was answered first (perhaps by another host, deciding the task): that answer again.
                    return await ReplayOrAsync(store, engine, id, hookKey, answer, now, cancellationToken);
                case ClaimOutcome.Moved:
                    // The task changed (or went) since it was read or remembered: read it (which renews the memory) and evaluate again.
                    mayRemember = false;
                    continue;
            }

            // The decision is committed: the event is raised even if the caller has gone (its token would cancel it and
            // leave the orchestration waiting for a decision the step row already shows).
            await engine.RaiseEventAsync(step.InstanceId, EventNames.Decision, decision, CancellationToken.None);
            return answer.ToResult();
        }

        return Answer.Problem(503, "busy", "The task is changing too often; retry with the same webhook-id.").ToResult();
    }

    /// <summary>The stored answer to this webhook-id, replayed; <paramref name="otherwise"/> when there is none.</summary>
    private static async Task<IResult> ReplayOrAsync(CaseStore store, DurableTaskClient engine, string caseId, string hookKey, Answer otherwise, DateTimeOffset now, CancellationToken cancellationToken)
    {
        return await store.GetAnswerAsync(caseId, hookKey, cancellationToken) is { } stored ? await ReplayAsync(stored, store, engine, now, cancellationToken) : otherwise.ToResult();
    }

    /// <summary>The licence type the task belongs to: on the step row since it carries it, else from the case row.</summary>
    private static async Task<(string Id, string Version)?> LicenceTypeOfAsync(CaseStore store, DepartmentRow step, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(step.LicenceTypeId))
        {
            return (step.LicenceTypeId, step.LicenceTypeVersion);
        }

        return await store.GetCaseAsync(step.PartitionKey, cancellationToken) is { } row ? (row.LicenceTypeId, row.LicenceTypeVersion) : null;
    }

    private static async Task<IResult> ReplayAsync(WebhookAnswerRow stored, CaseStore store, DurableTaskClient engine, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Re-raising is harmless (the orchestration ignores a decision for a task it already left) and repairs the
        // case where the first call stored its answer but failed before the event was raised — until one such raise
        // succeeded (then marked on the answer, as for a call with a new webhook-id), so replays cannot grow the history.
        if (stored.EventInstanceId is not null && stored.EventJson is not null && stored.ReRaisedAt is null)
        {
            await RaiseAgainAsync(store, engine, stored, JsonSerializer.Deserialize<DecisionEvent>(stored.EventJson, StoredJson.Options)!, now);
        }

        return new Answer(stored.StatusCode, stored.Body, stored.ContentType).ToResult(replayed: true);
    }

    /// <summary>
    /// Raises a claimed decision's event again, then marks its answer (<see cref="CaseStore.MarkRaisedAgainAsync"/>): a raise
    /// that fails leaves it unmarked for the next call; after one that succeeds, calls raise nothing more.
    /// </summary>
    private static async Task RaiseAgainAsync(CaseStore store, DurableTaskClient engine, WebhookAnswerRow answer, DecisionEvent decision, DateTimeOffset now)
    {
        await engine.RaiseEventAsync(answer.EventInstanceId!, EventNames.Decision, decision, CancellationToken.None);
        await store.MarkRaisedAgainAsync(answer, now, CancellationToken.None);
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
