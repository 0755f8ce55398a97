using Approvals.Durable;
using Approvals.Functions.Cases;
using Approvals.Functions.Licences;
using Approvals.Functions.Storage;

namespace Approvals.Functions.Orchestrations;

/// <summary>Issuance (制证) and publication (外网公示).</summary>
internal static class IssuanceActivities
{
    /// <summary>Issues the e-licence; returns its number (the same number on every re-run).</summary>
    internal sealed class IssueLicence(LicenceIssuer issuer, CaseJournal journal) : TaskActivity<CaseInput, string>
    {
        public override async Task<string> RunAsync(TaskActivityContext context, CaseInput input)
        {
            var licence = await issuer.IssueAsync(input, context.CancellationToken);
            await journal.AppendAsync(input, context.IdempotencyKey, licence.IssuedAt, "LicenceIssued", "system", null,
                new Dictionary<string, string?> { ["licenceNumber"] = licence.LicenceNumber, ["keyId"] = licence.KeyId, ["validUntil"] = licence.ValidUntil },
                null, context.CancellationToken);
            return licence.LicenceNumber;
        }
    }

    /// <summary>Publishes the decision to the public register (the supervision side masks personal data).</summary>
    internal sealed class PublishDecision(PipelineServices s) : TaskActivity<PublishInput, bool>
    {
        public override async Task<bool> RunAsync(TaskActivityContext context, PublishInput input)
        {
            var ct = context.CancellationToken;
            var (type, _) = s.Pinned(input.Case);
            var row = await s.Cases.GetCaseAsync(input.Case.CaseId, ct);
            var applicant = StoredJson.Read<ApplicantDetails>(row?.ApplicantJson);
            var decidedAt = row?.DecidedAt ?? s.Time.GetUtcNow();
            var decision = input.Approved ? CaseStatus.Approved : CaseStatus.Rejected;
            await s.Journal.PublishDecisionAsync(input.Case.CaseId, input.Case.CaseNumber, type.Id, type.Name,
                applicant?.Name ?? "", decision, decidedAt, input.LicenceNumber, ct);
            await s.Journal.AppendAsync(input.Case, context.IdempotencyKey, decidedAt, "Published", "system", null,
                new Dictionary<string, string?> { ["decision"] = decision, ["licenceNumber"] = input.LicenceNumber }, null, ct);
            return true;
        }
    }
}
