using Microsoft.DurableTask;
using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Storage;
using Approvals.Licensing.Clock;

namespace Approvals.Pipeline.Orchestrations;

/// <summary>Activities of the case as a whole: submission record, acceptance, the case clock, decision, withdrawal.</summary>
internal static partial class CaseActivities
{
    /// <summary>
    /// The case is received: the timeline starts and statistics count it. Returns a withdrawal already committed on
    /// the case row (its event may have been raised before this instance existed, and then dropped).
    /// </summary>
    internal sealed class BeginCase(PipelineServices s) : PipelineActivity<CaseInput, WithdrawEvent?>
    {
        public override async Task<WithdrawEvent?> RunAsync(ActivityCall context, CaseInput input)
        {
            await RecordAsync(s, context.IdempotencyKey, input, context.CancellationToken);
            return Withdrawal(await s.Cases.GetCaseAsync(input.CaseId, context.CancellationToken));
        }

        internal static async Task RecordAsync(PipelineServices s, string key, CaseInput input, CancellationToken ct)
        {
            await s.Journal.AppendAllAsync([Submitted(s, key, input)], ct);
            await RecordReceivedAsync(s, input, ct);
        }

        internal static Supervision.TimelineAppend Submitted(PipelineServices s, string key, CaseInput input)
        {
            var (type, _) = s.Pinned(input);
            return CaseJournal.Entry(input, key, input.SubmittedAt, "Submitted", "applicant:" + input.ApplicantSubject, null,
                new Dictionary<string, string?> { ["licenceTypeId"] = type.Id, ["licenceTypeVersion"] = type.Version, ["calendarVersion"] = input.CalendarVersion },
                null);
        }

        internal static Task RecordReceivedAsync(PipelineServices s, CaseInput input, CancellationToken ct)
        {
            var (type, _) = s.Pinned(input);
            return s.Journal.RecordReceivedAsync(input.CaseId, input.CaseNumber, type.Id, type.Departments.Select(d => d.DepartmentId).ToList(), input.SubmittedAt, ct);
        }
    }

    /// <summary>A withdrawal committed on the case row, as the event that carries it.</summary>
    private static WithdrawEvent? Withdrawal(CaseRow? row) =>
        row?.WithdrawalRequestedAt is { } at ? new WithdrawEvent(row.WithdrawalRequestedBy ?? "applicant:" + row.ApplicantSubject, at) : null;

    /// <summary>What acceptance found: the case clock's first alert instant, or a withdrawal committed before it.</summary>
    internal sealed record Acceptance(DateTimeOffset? NextAlertAt, WithdrawEvent? Withdrawal);

    /// <summary>
    /// Accepted (受理), by the service centre, automatically or deemed (Art. 32). Returns the first case-alert instant,
    /// and a withdrawal committed on the case row (the case then ends before any department gets a task).
    /// </summary>
    internal sealed class AcceptCase(PipelineServices s) : PipelineActivity<AcceptInput, Acceptance>
    {
        public override async Task<Acceptance> RunAsync(ActivityCall context, AcceptInput input)
        {
            var ct = context.CancellationToken;
            if (input.Begin)
            {
                await BeginCase.RecordReceivedAsync(s, input.Case, ct);
            }

            var (type, calendar) = s.Pinned(input.Case);
            var row = await s.Cases.AcceptAsync(input.Case.CaseId, input.At, input.Deemed, ct);
            var stored = StoredJson.Read<List<ClockEventDto>>(row?.ClockJson) ?? [ClockEventDto.Accepted(input.At)];
            var state = CaseClocks.Evaluate(stored, calendar, CaseClocks.CaseRules(type), input.At);
            // Received and accepted in one step (即报即受理): both entries in one timeline transaction, in this order.
            var accepted = CaseJournal.Entry(input.Case, context.IdempotencyKey, input.At, input.Deemed ? "DeemedAccepted" : "Accepted",
                input.Deemed ? "system" : type.ServiceCentre.DepartmentId, type.ServiceCentre.DepartmentId,
                new Dictionary<string, string?> { ["mode"] = input.Deemed ? "deemed" : type.ServiceCentre.Mode.ToString() }, ClockSnapshot.From(state));
            await s.Journal.AppendAllAsync(input.Begin ? [BeginCase.Submitted(s, context.IdempotencyKey + ":begin", input.Case), accepted] : [accepted], ct);
            return new Acceptance(CaseClocks.NextAlertAt(state, input.At), Withdrawal(row));
        }
    }

    /// <summary>Refused acceptance (不予受理) with reasons: the case ends.</summary>
    internal sealed class RefuseCase(PipelineServices s) : PipelineActivity<RefuseInput, bool>
    {
        public override async Task<bool> RunAsync(ActivityCall context, RefuseInput input)
        {
            var ct = context.CancellationToken;
            // The instant comes from the orchestration: a re-run records the same one (and counts in the same month).
            var now = input.At;
            var row = await s.Cases.RefuseAcceptanceAsync(input.Case.CaseId, input.Reasons, now, ct);
            if (row?.Status == CaseStatus.Withdrawn)
            {
                // The applicant's withdrawal was committed first: it ends the case, not the refusal.
                await WithdrawCase.RecordAsync(s, input.Case, context.IdempotencyKey + ":withdrawn", row.WithdrawnAt ?? now, row.WithdrawalRequestedBy ?? "applicant", ct);
                return true;
            }

            var (type, _) = s.Pinned(input.Case);
            await s.Journal.AppendAsync(input.Case, context.IdempotencyKey, now, "NotAccepted", type.ServiceCentre.DepartmentId, type.ServiceCentre.DepartmentId,
                new Dictionary<string, string?> { ["reasons"] = string.Join("；", input.Reasons.Select(r => r.Reason)) }, null, ct);
            await s.Journal.RecordDecidedAsync(input.Case.CaseId, input.Case.CaseNumber, type.Id, null, CaseStatus.NotAccepted, now, 0, true, ct);
            await s.Journal.CloseAlertsAsync(input.Case.CaseId, null, now, ct);
            return true;
        }
    }

    /// <summary>The applicant withdrew: the case ends; the orchestration cancelled the open tasks first.</summary>
    internal sealed class WithdrawCase(PipelineServices s) : PipelineActivity<WithdrawInput, bool>
    {
        public override async Task<bool> RunAsync(ActivityCall context, WithdrawInput input)
        {
            var ct = context.CancellationToken;
            await s.Cases.WithdrawAsync(input.Case.CaseId, input.Withdrawal.At, input.Withdrawal.By, ct);
            await RecordAsync(s, input.Case, context.IdempotencyKey, input.Withdrawal.At, input.Withdrawal.By, ct);
            return true;
        }

        /// <summary>The end of a withdrawn case for supervision: the timeline entry (keyed) and the case's alerts closed.</summary>
        internal static async Task RecordAsync(PipelineServices s, CaseInput c, string key, DateTimeOffset at, string by, CancellationToken ct)
        {
            await s.Journal.AppendAsync(c, key, at, "Withdrawn", by, null, null, null, ct);
            await s.Journal.CloseAlertsAsync(c.CaseId, null, at, ct);
        }
    }

    /// <summary>The case clock's alert instant passed: raise the alert if the stored clock (pauses included) agrees; return the next instant.</summary>
    internal sealed class CheckCaseClock(PipelineServices s) : PipelineActivity<CaseInput, DateTimeOffset?>
    {
        public override async Task<DateTimeOffset?> RunAsync(ActivityCall context, CaseInput input)
        {
            var ct = context.CancellationToken;
            var (type, calendar) = s.Pinned(input);
            var now = s.Time.GetUtcNow();
            var row = await s.Cases.GetCaseAsync(input.CaseId, ct);
            if (row is null)
            {
                return null;
            }

            var state = CaseClocks.Evaluate(StoredJson.Read<List<ClockEventDto>>(row.ClockJson) ?? [], calendar, CaseClocks.CaseRules(type), now);
            if ((int)state.Alert > row.AlertLevel)
            {
                // The keyed timeline entry before the row that decides whether to raise: a re-run after a crash
                // between the two finds the row unchanged, raises again and appends nothing new.
                await s.Journal.RaiseAlertAsync(input.CaseId, input.CaseNumber, type.Id, null, state.Alert, now, state.DueDate, ct);
                await s.Journal.AppendAsync(input, context.IdempotencyKey, now, "AlertRaised", "system", null,
                    new Dictionary<string, string?> { ["level"] = state.Alert.ToString() }, ClockSnapshot.From(state), ct);
                await s.Cases.RaiseCaseAlertAsync(input.CaseId, state.Alert, ct);
            }

            // While paused there is no instant: look again in a day (a resume never makes alerts come sooner).
            return CaseClocks.NextAlertAt(state, now) ?? (state.Status == ClockStatus.Paused ? now.AddDays(1) : null);
        }
    }
}
