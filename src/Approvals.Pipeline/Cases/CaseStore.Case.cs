using Approvals.Licensing.Clock;
using Approvals.Pipeline.Storage;

namespace Approvals.Pipeline.Cases;

/// <summary>What became of a withdrawal request.</summary>
internal enum WithdrawalOutcome
{
    /// <summary>No such case.</summary>
    NotFound,

    /// <summary>A draft: withdrawn at once (nothing runs for it).</summary>
    DraftWithdrawn,

    /// <summary>Committed on the case row before any decision: the case will end Withdrawn.</summary>
    Requested,

    /// <summary>Asked for before (a repeated request): nothing new was written.</summary>
    AlreadyRequested,

    /// <summary>The case was decided (or withdrawn) first: refused, nothing written.</summary>
    Decided,
}

/// <summary>The case row's state changes (see the class remarks for the invariants).</summary>
internal sealed partial class CaseStore
{
    /// <summary>Sets <paramref name="row"/>'s status to <paramref name="to"/> when <see cref="CaseTransitions"/> allows it; false (nothing changed) otherwise.</summary>
    private static bool Move(CaseRow row, string to)
    {
        if (!CaseTransitions.CaseMay(row.Status, to))
        {
            return false;
        }

        row.Status = to;
        return true;
    }

    /// <summary>Creates a draft with its view row; the row as stored (a concurrent create with the same id wins).</summary>
    public async Task<(CaseRow Row, bool Created)> CreateDraftAsync(CaseRow row, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        if (row.Status != CaseStatus.Draft)
        {
            throw new ArgumentException("A case starts as a draft.", nameof(row));
        }

        if (await Table.TryAddAsync(row, cancellationToken, CaseViewRow.Of(row)))
        {
            return (row, true);
        }

        return ((await Table.GetEntityAsync<CaseRow>(row.PartitionKey, row.RowKey, cancellationToken: cancellationToken)).Value, false);
    }

    /// <summary>
    /// Draft → Submitted under the ETag <paramref name="read"/> was read with: the materials checked complete on that
    /// read are exactly the materials submitted, since an upload commits under the same ETag. Null when the row
    /// changed since (a concurrent submit, withdrawal or upload): the caller re-reads and checks again.
    /// </summary>
    /// <remarks><paramref name="read"/> is changed in place either way: when null is returned it is no longer the row as stored.</remarks>
    public async Task<CaseRow?> SubmitAsync(CaseRow read, DateTimeOffset now, string calendarVersion, CancellationToken cancellationToken)
    {
        if (read.SubmittedAt is not null || !Move(read, CaseStatus.Submitted))
        {
            return null;
        }

        read.SubmittedAt = now;
        read.CalendarVersion = calendarVersion;
        read.ClockJson = StoredJson.Write(new[] { ClockEventDto.Submitted(now) });
        try
        {
            read.ETag = await Table.ReplaceAsync(read, read.ETag, CaseViewRow.Of(read), cancellationToken);
            return read;
        }
        catch (Azure.RequestFailedException e) when (e.Status == 412)
        {
            return null;
        }
    }

    /// <summary>
    /// The applicant's withdrawal. A draft is withdrawn at once. A submitted case records the request on the case row
    /// under its ETag, so it is ordered against the decision (<see cref="DecideAsync"/>): either the decision was
    /// committed first and the request is refused, or the request was and the case can only end Withdrawn.
    /// </summary>
    public async Task<(WithdrawalOutcome Outcome, CaseRow? Row)> RequestWithdrawalAsync(string caseId, string by, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var outcome = WithdrawalOutcome.NotFound;
        var row = await UpdateCaseAsync(caseId, r =>
        {
            if (r.Status == CaseStatus.Draft)
            {
                outcome = WithdrawalOutcome.DraftWithdrawn;
                r.WithdrawnAt = at;
                r.WithdrawalRequestedAt = at;
                r.WithdrawalRequestedBy = by;
                return Move(r, CaseStatus.Withdrawn);
            }

            if (CaseStatus.IsFinal(r.Status))
            {
                outcome = WithdrawalOutcome.Decided;
                return false;
            }

            if (r.WithdrawalRequestedAt is not null)
            {
                outcome = WithdrawalOutcome.AlreadyRequested;
                return false;
            }

            outcome = WithdrawalOutcome.Requested;
            r.WithdrawalRequestedAt = at;
            r.WithdrawalRequestedBy = by;
            return true;
        }, cancellationToken);
        return (row is null ? WithdrawalOutcome.NotFound : outcome, row);
    }

    /// <summary>受理 (by the centre, automatically or deemed): the case clock starts. The row as stored.</summary>
    public Task<CaseRow?> AcceptAsync(string caseId, DateTimeOffset at, bool deemed, CancellationToken cancellationToken) =>
        UpdateCaseAsync(caseId, r =>
        {
            var events = StoredJson.Read<List<ClockEventDto>>(r.ClockJson) ?? [];
            if (events.Any(e => e.Kind == nameof(Accepted)))
            {
                return false;
            }

            events.Add(ClockEventDto.Accepted(at));
            r.ClockJson = StoredJson.Write(events);
            r.AcceptedAt = at;
            r.DeemedAccepted = deemed;
            r.PausedByJson = "[]";
            // 受理: the lead department's task opening moves the case on to InReview. A case withdrawn meanwhile
            // keeps its status (the withdrawal ends it); the clock event is still recorded.
            Move(r, CaseStatus.Accepted);
            return true;
        }, cancellationToken);

    /// <summary>The service centre's acceptance step (re)opened: its clock is the case clock until acceptance.</summary>
    public Task<CaseRow?> ReopenAcceptanceAsync(string caseId, IReadOnlyList<ClockEventDto> clock, CancellationToken cancellationToken) =>
        UpdateCaseAsync(caseId, r =>
        {
            r.ClockJson = StoredJson.Write(clock);
            r.PausedByJson = "[]";
            if (r.Status == CaseStatus.AwaitingSupplement)
            {
                Move(r, CaseStatus.Submitted);
            }

            return true;
        }, cancellationToken);

    /// <summary>不予受理 with reasons: the case ends. <paramref name="at"/> is the activity's own clock reading, fixed by the orchestration.</summary>
    /// <remarks>A withdrawal committed before it wins, as it does over the decision (<see cref="DecideAsync"/>).</remarks>
    public Task<CaseRow?> RefuseAcceptanceAsync(string caseId, IReadOnlyList<ReasonDto> reasons, DateTimeOffset at, CancellationToken cancellationToken) =>
        UpdateCaseAsync(caseId, r => End(r, CaseStatus.NotAccepted, reasons, at, stopClock: false), cancellationToken);

    /// <summary>
    /// Ends the case with a decision (<paramref name="status"/>), once: a case already decided changes nothing, and a
    /// withdrawal committed before the decision ends it Withdrawn instead, at the instant it was requested.
    /// </summary>
    private static bool End(CaseRow r, string status, IReadOnlyList<ReasonDto> reasons, DateTimeOffset at, bool stopClock)
    {
        if (r.DecidedAt is not null)
        {
            return false;
        }

        if (r.WithdrawalRequestedAt is { } requested)
        {
            r.WithdrawnAt = requested;
            r.DecidedAt = requested;
            return Move(r, CaseStatus.Withdrawn);
        }

        if (!Move(r, status))
        {
            return false;
        }

        if (stopClock)
        {
            var events = StoredJson.Read<List<ClockEventDto>>(r.ClockJson) ?? [];
            events.Add(ClockEventDto.Decided(at));
            r.ClockJson = StoredJson.Write(events);
        }

        r.DecidedAt = at;
        r.ReasonsJson = StoredJson.Write(reasons);
        return true;
    }

    /// <summary>The case ends Withdrawn (the orchestration, after closing the open tasks).</summary>
    public Task<CaseRow?> WithdrawAsync(string caseId, DateTimeOffset at, string by, CancellationToken cancellationToken) =>
        UpdateCaseAsync(caseId, r =>
        {
            if (r.Status == CaseStatus.Withdrawn || !Move(r, CaseStatus.Withdrawn))
            {
                return false;
            }

            r.WithdrawalRequestedAt ??= at;
            r.WithdrawalRequestedBy ??= by;
            r.WithdrawnAt = at;
            r.DecidedAt = at;
            return true;
        }, cancellationToken);

    /// <summary>
    /// 办结: Approved or Rejected with every department's reasons — unless a withdrawal was committed first, in which
    /// case the case ends Withdrawn instead (the status of the returned row tells which). Idempotent: a re-run finds
    /// the decision in place.
    /// </summary>
    public async Task<CaseRow> DecideAsync(string caseId, bool approved, IReadOnlyList<ReasonDto> reasons, DateTimeOffset now, CancellationToken cancellationToken) =>
        await UpdateCaseAsync(caseId, r => End(r, approved ? CaseStatus.Approved : CaseStatus.Rejected, reasons, now, stopClock: true), cancellationToken)
            ?? throw new InvalidOperationException($"Case {caseId} has no case row.");

    /// <summary>制证: Approved → Issued with the licence number (the row as just written saves a read).</summary>
    public async Task MarkIssuedAsync(CaseRow row, string licenceNumber, CancellationToken cancellationToken)
    {
        if (row.Status == CaseStatus.Approved)
        {
            row.LicenceNumber = licenceNumber;
            row.Status = CaseStatus.Issued;
            try
            {
                row.ETag = await Table.ReplaceAsync(row, row.ETag, CaseViewRow.Of(row), cancellationToken);
                return;
            }
            catch (Azure.RequestFailedException e) when (e.Status == 412)
            {
                // Someone wrote the case row since: apply the change to the row as stored.
            }
        }

        await UpdateCaseAsync(row.PartitionKey, r =>
        {
            if (r.LicenceNumber == licenceNumber && r.Status == CaseStatus.Issued)
            {
                return false;
            }

            if (!Move(r, CaseStatus.Issued))
            {
                throw new InvalidOperationException($"Case {r.PartitionKey} is {r.Status}: no licence can be issued.");
            }

            r.LicenceNumber = licenceNumber;
            return true;
        }, cancellationToken);
    }

    /// <summary>A case alert level reached (预警/黄牌/红牌); levels only go up.</summary>
    public Task<CaseRow?> RaiseCaseAlertAsync(string caseId, AlertLevel level, CancellationToken cancellationToken) =>
        UpdateCaseAsync(caseId, r =>
        {
            if (r.AlertLevel >= (int)level)
            {
                return false;
            }

            r.AlertLevel = (int)level;
            return true;
        }, cancellationToken);

    /// <summary>
    /// A step asked the applicant for materials: the case shows AwaitingSupplement, and the case clock pauses while any
    /// step waits (at the centre, the acceptance step's clock is the case clock).
    /// </summary>
    public Task<CaseRow?> PauseForSupplementAsync(string caseId, string departmentId, DateTimeOffset at, bool isServiceCentre, IReadOnlyList<ClockEventDto> stepClock, CancellationToken cancellationToken) =>
        UpdateCaseAsync(caseId, r =>
        {
            var pausedBy = StoredJson.Read<List<string>>(r.PausedByJson) ?? [];
            if (pausedBy.Contains(departmentId) || !Move(r, CaseStatus.AwaitingSupplement))
            {
                return false;
            }

            pausedBy.Add(departmentId);
            r.PausedByJson = StoredJson.Write(pausedBy);
            if (isServiceCentre)
            {
                r.ClockJson = StoredJson.Write(stepClock);
            }
            else if (pausedBy.Count == 1)
            {
                var events = StoredJson.Read<List<ClockEventDto>>(r.ClockJson) ?? [];
                events.Add(ClockEventDto.Paused(at, PauseReason.Supplement, Licensing.LegalLimits.ReviewSupplementBasis));
                r.ClockJson = StoredJson.Write(events);
            }

            return true;
        }, cancellationToken);

    /// <summary>A step got every material it asked for: the case clock resumes when no other step still waits.</summary>
    public Task<CaseRow?> ResumeAfterSupplementAsync(string caseId, string departmentId, DateTimeOffset at, CancellationToken cancellationToken) =>
        UpdateCaseAsync(caseId, r =>
        {
            var pausedBy = StoredJson.Read<List<string>>(r.PausedByJson) ?? [];
            if (!pausedBy.Remove(departmentId))
            {
                return false;
            }

            r.PausedByJson = StoredJson.Write(pausedBy);
            if (pausedBy.Count == 0)
            {
                var events = StoredJson.Read<List<ClockEventDto>>(r.ClockJson) ?? [];
                events.Add(ClockEventDto.Resumed(at));
                r.ClockJson = StoredJson.Write(events);
                if (r.Status == CaseStatus.AwaitingSupplement)
                {
                    Move(r, CaseStatus.InReview);
                }
            }

            return true;
        }, cancellationToken);

    /// <summary>Accepted → InReview when the lead's task opens (the one-transaction shortcut did not apply).</summary>
    public Task<CaseRow?> BeginReviewAsync(string caseId, CancellationToken cancellationToken) =>
        UpdateCaseAsync(caseId, r => r.Status == CaseStatus.Accepted && Move(r, CaseStatus.InReview), cancellationToken);
}
