using Approvals.Pipeline.Departments;
using Microsoft.DurableTask;
using Approvals.Pipeline.Cases;
using Approvals.Licensing.Catalogue;
using Approvals.Licensing.Clock;
using Approvals.Licensing.Calendar;

// DURABLE0011 (no ContinueAsNew in an unbounded loop): the loops here turn once per event or timer of the case, and a
// case's events are bounded — one decision per task, one upload per requested material and supplement round, three
// alert levels per clock (each department's and the case's), a stale callback now and then: its history stays small.
#pragma warning disable DURABLE0011

namespace Approvals.Pipeline.Orchestrations;

/// <summary>
/// The case orchestration — the case's one instance (instance id = case id): acceptance at the service centre (manual
/// or automatic; deemed acceptance after the Art. 32 window), then parallel review by every department in this same
/// instance (<see cref="ReviewAsync"/>: every task opened together, one loop for every department's decision,
/// supplements and alerts), then issuance and publication — or rejection with every department's reasons. A
/// withdrawal at any point before the end cancels the open tasks. At most one durable timer is pending at any time
/// (<see cref="CaseTimer"/>), armed at the earliest instant any clock of the case needs next.
/// Replayed from history: all time from the context, no I/O here.
/// </summary>
internal sealed partial class LicenceApproval(CaseClocks clocks, DepartmentDirectory departments) : TaskOrchestrator<CaseInput, CaseOutcome>
{
    public override async Task<CaseOutcome> RunAsync(TaskOrchestrationContext context, CaseInput input)
    {
        var type = clocks.Type(input.LicenceTypeId, input.LicenceTypeVersion);
        var clock = new OrchestrationClock(context, input.ClockShift);
        var external = new CaseEvents(context);
        using var timer = new CaseTimer(clock);
        var acceptance = await AcceptAsync(context, clock, input, type, external, timer);
        if (acceptance.Outcome is not null)
        {
            return acceptance.Outcome;
        }

        // Parallel review (并联审批): every department at once, each on its own clock, all in this instance.
        return await ReviewAsync(context, clock, input, type, external, timer, acceptance.NextAlertAt);
    }

    private async Task<AcceptanceResult> AcceptAsync(TaskOrchestrationContext context, OrchestrationClock clock, CaseInput input, LicenceType type, CaseEvents external, CaseTimer timer)
    {
        var now = () => clock.Now;
        if (type.ServiceCentre.Mode == AcceptanceMode.AutoAccept)
        {
            // 即报即受理: a complete application is accepted on submission.
            return await AcceptedAsync(context, input, new AcceptInput(input, now(), false, Begin: true));
        }

        if (await context.CallAsync<WithdrawEvent?>(nameof(CaseActivities.BeginCase), input) is { } early)
        {
            return new AcceptanceResult(await WithdrawAsync(context, input, early), null);
        }

        var calendar = clocks.Calendar(type.Jurisdiction, input.CalendarVersion);
        var events = new List<ClockEventDto> { ClockEventDto.Submitted(input.SubmittedAt) };
        // Art. 32: deemed acceptance after 5 working days without 一次性告知, whatever the centre's own promised limit.
        var rules = CaseClocks.CaseRules(type);
        var centre = type.ServiceCentre.DepartmentId;
        while (true)
        {
            var taskId = StableIds.Next(context, "task");
            var opened = await context.CallAsync<OpenTaskResult>(nameof(ReviewActivities.OpenTask), new OpenTaskInput(input, centre, taskId, context.InstanceId, now(), events, true));
            if (opened.WebhookPending)
            {
                // The service centre's back office is told like a department's; its retries run alongside the wait.
                _ = ReviewSteps.NotifyAsync(context, departments.WebhookRetry, new NotifyInput(input, centre, taskId, opened.DueDate));
            }

            var deemedAt = CaseClocks.Evaluate(events, calendar, rules, now()).DeemedAcceptedAt;
            while (true)
            {
                // The deemed-acceptance timer is this phase's one timer (a pending one from an earlier round fires sooner: harmless).
                var wake = timer.ArmFor(deemedAt);
                var waits = new List<Task> { external.Decision, external.Withdraw };
                if (wake is not null)
                {
                    waits.Add(wake);
                }

                var winner = await Task.WhenAny(waits);
                if (winner == external.Withdraw)
                {
                    await context.CallAsync(nameof(ReviewActivities.CancelTask), new CancelTaskInput(input, centre, taskId));
                    await context.CallAsync(nameof(CaseActivities.WithdrawCase), new WithdrawInput(input, external.Withdraw.Result));
                    return new AcceptanceResult(new CaseOutcome(CaseStatus.Withdrawn, null, []), null);
                }

                DecisionEvent decision;
                if (winner == wake)
                {
                    if (deemedAt is not { } d || timer.DueNow < d)
                    {
                        continue; // a timer of an earlier round (before a pause moved the window on): arm for this one
                    }

                    // Art. 32: no 一次性告知 within the window — the application counts as accepted from then on. The
                    // step row's ETag orders this against the centre's decision: one the centre committed first (its
                    // event late, or lost to a crash) comes back from the closing activity and stands instead.
                    var claimed = await context.CallAsync<DecisionEvent?>(nameof(ReviewActivities.CancelTask), new CancelTaskInput(input, centre, taskId, StepStatus.DeemedAccepted));
                    if (claimed is null)
                    {
                        return await AcceptedAsync(context, input, new AcceptInput(input, d, true));
                    }

                    decision = claimed;
                }
                else
                {
                    decision = external.TakeDecision();
                    if (decision.TaskId != taskId)
                    {
                        continue; // a repeated or stale event: the callback already answered it
                    }
                }

                // The centre decided when it committed its decision (the instant on its step row), not when the event was taken.
                var decidedAt = ReviewSteps.DecidedAt(decision, events);
                switch (decision.Decision)
                {
                    case Decisions.Accept:
                        await context.CallAsync(nameof(ReviewActivities.RecordDecision), new RecordDecisionInput(input, centre, decision, events.Append(ClockEventDto.Decided(decidedAt)).ToList(), true, AlertsOpen: false));
                        return await AcceptedAsync(context, input, new AcceptInput(input, decidedAt, false));
                    case Decisions.NotAccept:
                        await context.CallAsync(nameof(ReviewActivities.RecordDecision), new RecordDecisionInput(input, centre, decision, events.Append(ClockEventDto.Decided(decidedAt)).ToList(), true, AlertsOpen: false));
                        await context.CallAsync(nameof(CaseActivities.RefuseCase), new RefuseInput(input, decision.Reasons.Select(r => new ReasonDto(centre, r)).ToList(), decidedAt));
                        return new AcceptanceResult(new CaseOutcome(CaseStatus.NotAccepted, null, decision.Reasons.Select(r => new ReasonDto(centre, r)).ToList()), null);
                }

                // 一次性告知 before acceptance: the applicant supplements, then the service centre looks again.
                events.Add(ClockEventDto.Paused(decidedAt, PauseReason.Supplement, Licensing.LegalLimits.AcceptanceSupplementBasis));
                await context.CallAsync(nameof(ReviewActivities.PauseStep), new PauseInput(input, centre, decision, events, true));
                if (!await WaitForSupplementsAsync(external, decision))
                {
                    await context.CallAsync(nameof(ReviewActivities.CancelTask), new CancelTaskInput(input, centre, taskId));
                    await context.CallAsync(nameof(CaseActivities.WithdrawCase), new WithdrawInput(input, external.Withdraw.Result));
                    return new AcceptanceResult(new CaseOutcome(CaseStatus.Withdrawn, null, []), null);
                }

                events.Add(ClockEventDto.Resumed(ReviewSteps.NotBefore(now(), events)));
                break; // a new task for the service centre
            }
        }
    }

    /// <summary>
    /// Parallel review in the case's own instance. Every department's task is opened at once; then one loop waits for
    /// a decision of any department, an uploaded supplement, the withdrawal, or the case's one timer — armed at the
    /// earliest instant any clock needs next (each open step's next 预警/黄牌/红牌 instant, the case clock's next alert).
    /// Every turn first raises whatever has come due, so a timer that fires for nothing costs a turn, never an alert.
    /// The join is the loop's end: every step decided.
    /// </summary>
    private async Task<CaseOutcome> ReviewAsync(TaskOrchestrationContext context, OrchestrationClock clock, CaseInput input, LicenceType type,
        CaseEvents external, CaseTimer timer, DateTimeOffset? nextCaseAlert)
    {
        var calendar = clocks.Calendar(type.Jurisdiction, input.CalendarVersion);
        var steps = type.Departments.Select(d => new ReviewSteps.StepState(d.DepartmentId, ClockRules.ForStep(type, d), departments.WebhookRetry)).ToList();
        await OpenTasksAsync(context, clock, input, steps);
        var early = new List<SupplementProvidedEvent>(); // uploads for a request whose decision was not taken yet
        while (steps.Exists(s => s.IsOpen))
        {
            nextCaseAlert = await ReviewSteps.RaiseDueAlertsAsync(context, timer, clock, input, calendar, steps, early, nextCaseAlert);
            if (!steps.Exists(s => s.IsOpen))
            {
                break; // the last decision was recovered by the alert check (its event lost)
            }

            var wake = timer.ArmFor(ReviewSteps.Earliest(nextCaseAlert, steps.Select(s => s.NextAlertAt(calendar, timer.DueNow))));
            var waits = new List<Task> { external.Decision, external.Supplement, external.Withdraw };
            if (wake is not null)
            {
                waits.Add(wake);
            }

            var winner = await Task.WhenAny(waits);
            if (winner == external.Decision)
            {
                await ReviewSteps.OnDecisionAsync(context, clock, input, steps, early, external.TakeDecision());
            }
            else if (winner == external.Supplement)
            {
                await ReviewSteps.OnSupplementAsync(context, clock, input, steps, early, external.TakeSupplement());
            }
            else if (winner == external.Withdraw)
            {
                // Every open task is closed (their alerts with them), then the case.
                await Task.WhenAll(steps.Where(s => s.IsOpen).Select(s =>
                    context.CallAsync(nameof(ReviewActivities.CancelTask), new CancelTaskInput(input, s.DepartmentId, s.TaskId))).ToList());
                await context.CallAsync(nameof(CaseActivities.WithdrawCase), new WithdrawInput(input, external.Withdraw.Result));
                return new CaseOutcome(CaseStatus.Withdrawn, null, []);
            }

            // Otherwise the timer fired: what came due is raised at the top of the next turn.
        }

        await Task.WhenAll(steps.Select(s => s.Notified)); // webhook retries still running finish (or record their failure)
        var reasons = steps.Where(s => s.Status == StepStatus.Rejected)
            .SelectMany(s => s.Reasons.Select(r => new ReasonDto(s.DepartmentId, r)))
            .ToList();
        var approved = steps.TrueForAll(s => s.Status == StepStatus.Approved);
        // A withdrawal committed on the case row before the decision wins even when its event came too late for the
        // loop above (or never came): CompleteCase then ends the case Withdrawn, and no licence is issued.
        var completion = await context.CallAsync<CaseCompletion>(nameof(IssuanceActivities.CompleteCase), new DecideInput(input, approved, reasons));
        return new CaseOutcome(completion.Status, completion.LicenceNumber, completion.Status == CaseStatus.Withdrawn ? [] : reasons);
    }

    /// <summary>Opens every department's task together (step row, inbox row, first webhook attempt); failed webhooks retry alongside.</summary>
    private async Task OpenTasksAsync(TaskOrchestrationContext context, OrchestrationClock clock, CaseInput input, List<ReviewSteps.StepState> steps)
    {
        var now = clock.Now;
        var opening = new List<Task<OpenTaskResult>>();
        foreach (var step in steps)
        {
            step.TaskId = StableIds.Next(context, "task");
            step.Clock.Add(ClockEventDto.Accepted(now));
            // Events for the step (decisions, supplements) reach the case's instance: its id goes on the step row.
            opening.Add(context.CallAsync<OpenTaskResult>(nameof(ReviewActivities.OpenTask),
                new OpenTaskInput(input, step.DepartmentId, step.TaskId, context.InstanceId, now, step.Clock, false)));
        }

        var opened = await Task.WhenAll(opening);
        for (var i = 0; i < steps.Count; i++)
        {
            if (opened[i].WebhookPending)
            {
                steps[i].Notified = ReviewSteps.NotifyAsync(context, departments.WebhookRetry, new NotifyInput(input, steps[i].DepartmentId, steps[i].TaskId, opened[i].DueDate));
            }
        }
    }

    /// <summary>
    /// The case accepted (受理). A withdrawal the acceptance found committed on the case row ends the case here, before any
    /// department gets a task: its event may never come, since one raised before this instance existed is dropped.
    /// </summary>
    private static async Task<AcceptanceResult> AcceptedAsync(TaskOrchestrationContext context, CaseInput input, AcceptInput accept)
    {
        var accepted = await context.CallAsync<CaseActivities.Acceptance>(nameof(CaseActivities.AcceptCase), accept);
        return accepted.Withdrawal is { } withdrawal
            ? new AcceptanceResult(await WithdrawAsync(context, input, withdrawal), null)
            : new AcceptanceResult(null, accepted.NextAlertAt);
    }

    private static async Task<CaseOutcome> WithdrawAsync(TaskOrchestrationContext context, CaseInput input, WithdrawEvent withdrawal)
    {
        await context.CallAsync(nameof(CaseActivities.WithdrawCase), new WithdrawInput(input, withdrawal));
        return new CaseOutcome(CaseStatus.Withdrawn, null, []);
    }

    /// <summary>Waits until every material the service centre asked for was uploaded; false when the case was withdrawn first.</summary>
    private static async Task<bool> WaitForSupplementsAsync(CaseEvents external, DecisionEvent request)
    {
        var remaining = new HashSet<string>(request.RequiredMaterials, StringComparer.Ordinal);
        while (remaining.Count > 0)
        {
            var winner = await Task.WhenAny(external.Supplement, external.Withdraw);
            if (winner == external.Withdraw)
            {
                return false;
            }

            var provided = external.TakeSupplement();
            if (provided.RequestId == request.TaskId)
            {
                remaining.Remove(provided.MaterialId);
            }
        }

        return true;
    }

    private sealed record AcceptanceResult(CaseOutcome? Outcome, DateTimeOffset? NextAlertAt);
}
