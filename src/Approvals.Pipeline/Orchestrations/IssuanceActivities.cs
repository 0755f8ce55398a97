using Microsoft.DurableTask;
using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Licences;
using Approvals.Pipeline.Storage;

namespace Approvals.Pipeline.Orchestrations;

/// <summary>The end of a case: decision (办结), issuance (制证) and publication (外网公示).</summary>
internal static class IssuanceActivities
{
    /// <summary>
    /// Records the join's outcome — approved, or rejected with every department's reasons — then, when approved,
    /// issues the e-licence, and publishes the decision. One activity, because the three always follow each other and
    /// each is idempotent on its own (a re-run finds the decision, the licence and the register entry in place).
    /// Returns the status and the licence number (the same on every re-run). A withdrawal committed before the decision
    /// wins (<see cref="CaseStore.DecideAsync"/>): the case ends Withdrawn, nothing is issued or published.
    /// </summary>
    internal sealed class CompleteCase(PipelineServices s, LicenceIssuer issuer) : PipelineActivity<DecideInput, CaseCompletion>
    {
        public override async Task<CaseCompletion> RunAsync(ActivityCall context, DecideInput input)
        {
            var ct = context.CancellationToken;
            var (type, calendar) = s.Pinned(input.Case);
            var now = s.Time.GetUtcNow();
            var row = await s.Cases.DecideAsync(input.Case.CaseId, input.Approved, input.Reasons, now, ct);
            if (row.Status == CaseStatus.Withdrawn)
            {
                await CaseActivities.WithdrawCase.RecordAsync(s, input.Case, context.IdempotencyKey + ":withdrawn", row.WithdrawnAt ?? now, row.WithdrawalRequestedBy ?? "applicant", ct);
                return new CaseCompletion(CaseStatus.Withdrawn, null);
            }

            var status = input.Approved ? CaseStatus.Approved : CaseStatus.Rejected;
            var decidedAt = row.DecidedAt ?? now;
            var state = CaseClocks.Evaluate(StoredJson.Read<List<ClockEventDto>>(row.ClockJson) ?? [], calendar, CaseClocks.CaseRules(type), decidedAt);
            // The decision, licence and publication entries are appended together at the end, in this order, in one
            // timeline transaction; a crash before that re-runs the activity, whose steps are each idempotent.
            var entries = new List<Supervision.TimelineAppend>
            {
                CaseJournal.Entry(input.Case, context.IdempotencyKey, decidedAt, status, "system", null,
                    new Dictionary<string, string?> { ["reasons"] = string.Join("；", input.Reasons.Select(r => $"{r.DepartmentId}: {r.Reason}")) }, ClockSnapshot.From(state)),
            };
            await s.Journal.RecordDecidedAsync(input.Case.CaseId, input.Case.CaseNumber, type.Id, null, status, decidedAt, state.WorkingDaysUsed, state.DecidedOnTime ?? true, ct);
            if (row.AlertLevel > 0)
            {
                // Only case-level alerts can still be open: every step closed its own when it was decided.
                await s.Journal.CloseAlertsAsync(input.Case.CaseId, null, decidedAt, ct);
            }

            string? licenceNumber = null;
            if (input.Approved)
            {
                var licence = await issuer.IssueAsync(input.Case, row, ct);
                licenceNumber = licence.LicenceNumber;
                entries.Add(CaseJournal.Entry(input.Case, context.IdempotencyKey + ":issued", licence.IssuedAt, "LicenceIssued", "system", null,
                    new Dictionary<string, string?> { ["licenceNumber"] = licence.LicenceNumber, ["keyId"] = licence.KeyId, ["validUntil"] = licence.ValidUntil }, null));
            }

            var applicant = StoredJson.Read<ApplicantDetails>(row.ApplicantJson);
            await s.Journal.PublishDecisionAsync(input.Case.CaseId, input.Case.CaseNumber, type.Id, type.Name, applicant, status, decidedAt, licenceNumber, ct);
            entries.Add(CaseJournal.Entry(input.Case, context.IdempotencyKey + ":published", decidedAt, "Published", "system", null,
                new Dictionary<string, string?> { ["decision"] = status, ["licenceNumber"] = licenceNumber }, null));
            await s.Journal.AppendAllAsync(entries, ct);
            return new CaseCompletion(licenceNumber is null ? status : CaseStatus.Issued, licenceNumber);
        }
    }
}
