using Approvals.Pipeline.Departments;
using Microsoft.DurableTask;
using Approvals.Pipeline.Cases;
using Approvals.Licensing.Catalogue;
using Approvals.Licensing.Clock;

// DURABLE0011 (no ContinueAsNew in an unbounded loop): the loops here turn one turn per case alert, per supplement round before acceptance or stale callback: a case's history stays small.
#pragma warning disable DURABLE0011

namespace Approvals.Pipeline.Orchestrations;

/// <summary>
/// The case orchestration: acceptance at the service centre (manual or automatic; deemed acceptance after the
/// Art. 32 window), parallel review by every department (<see cref="DepartmentReview"/> fanned out together), join,
/// then issuance and publication — or rejection with every department's reasons. A withdrawal at any point before
/// the join cancels the open department tasks. Replayed from history: all time from the context, no I/O here.
/// </summary>
internal sealed partial class LicenceApproval(CaseClocks clocks, DepartmentDirectory departments) : TaskOrchestrator<CaseInput, CaseOutcome>
{
    public override async Task<CaseOutcome> RunAsync(TaskOrchestrationContext context, CaseInput input)
    {
        var type = clocks.Type(input.LicenceTypeId, input.LicenceTypeVersion);
        var clock = new OrchestrationClock(context, input.ClockShift);
        var withdraw = context.WaitForExternalEvent<WithdrawEvent>(EventNames.Withdraw);
        var acceptance = await AcceptAsync(context, clock, input, type, withdraw);
        if (acceptance.Outcome is not null)
        {
            return acceptance.Outcome;
        }

        // Parallel review (并联审批): every department at once, each on its own clock.
        var steps = type.Departments
            .Select(d => context.CallSubOrchestratorAsync<StepOutcome>(nameof(DepartmentReview), new StepInput(input with { ClockShift = clock.Shift }, d.DepartmentId),
                new SubOrchestrationOptions { InstanceId = InstanceIds.ForStep(input.CaseId, d.DepartmentId) }))
            .ToList();
        var all = Task.WhenAll(steps);
        var nextCaseAlert = acceptance.NextAlertAt;
        while (!all.IsCompleted)
        {
            using var cts = new CancellationTokenSource();
            var waits = new List<Task> { all, withdraw };
            if (nextCaseAlert is { } at)
            {
                waits.Add(clock.UntilAsync(at, cts.Token));
            }

            var winner = await Task.WhenAny(waits);
            cts.Cancel(); // synchronously: CancelAsync would continue off the orchestration thread
            if (winner == all)
            {
                break;
            }

            if (winner == withdraw)
            {
                foreach (var d in type.Departments)
                {
                    context.SendEvent(InstanceIds.ForStep(input.CaseId, d.DepartmentId), EventNames.Cancel, withdraw.Result);
                }

                await all;
                await context.CallAsync(nameof(CaseActivities.WithdrawCase), new WithdrawInput(input, withdraw.Result));
                return new CaseOutcome(CaseStatus.Withdrawn, null, []);
            }

            // A case-clock alert instant passed: the activity reads the stored clock (pauses come from the steps).
            nextCaseAlert = await context.CallAsync<DateTimeOffset?>(nameof(CaseActivities.CheckCaseClock), input);
        }

        var outcomes = await all;
        var reasons = outcomes.Where(o => o.Status == StepStatus.Rejected)
            .SelectMany(o => o.Reasons.Select(r => new ReasonDto(o.DepartmentId, r)))
            .ToList();
        var approved = outcomes.All(o => o.Status == StepStatus.Approved);
        // A withdrawal committed on the case row before the decision wins even when its event came too late for the
        // race above (or never came): CompleteCase then ends the case Withdrawn, and no licence is issued.
        var completion = await context.CallAsync<CaseCompletion>(nameof(IssuanceActivities.CompleteCase), new DecideInput(input, approved, reasons));
        return new CaseOutcome(completion.Status, completion.LicenceNumber, completion.Status == CaseStatus.Withdrawn ? [] : reasons);
    }

    private async Task<AcceptanceResult> AcceptAsync(TaskOrchestrationContext context, OrchestrationClock clock, CaseInput input, LicenceType type, Task<WithdrawEvent> withdraw)
    {
        var now = () => clock.Now;
        if (type.ServiceCentre.Mode == AcceptanceMode.AutoAccept)
        {
            // 即报即受理: a complete application is accepted on submission.
            return new AcceptanceResult(null, await context.CallAsync<DateTimeOffset?>(nameof(CaseActivities.AcceptCase), new AcceptInput(input, now(), false, Begin: true)));
        }

        await context.CallAsync(nameof(CaseActivities.BeginCase), input);
        var calendar = clocks.Calendar(type.Jurisdiction, input.CalendarVersion);
        var events = new List<ClockEventDto> { ClockEventDto.Submitted(input.SubmittedAt) };
        // Art. 32: deemed acceptance after 5 working days without 一次性告知, whatever the centre's own promised limit.
        var rules = CaseClocks.CaseRules(type);
        var centre = type.ServiceCentre.DepartmentId;
        while (true)
        {
            var taskId = StableIds.Next(context, "task");
            var opened = await context.CallAsync<OpenTaskResult>(nameof(ReviewActivities.OpenTask), new OpenTaskInput(input, centre, taskId, input.CaseId, now(), events, true));
            if (opened.WebhookPending)
            {
                // The service centre's back office is told like a department's; its retries run alongside the wait.
                _ = DepartmentReview.NotifyAsync(context, departments.WebhookRetry, input, centre, taskId, opened.DueDate);
            }

            var deemedAt = CaseClocks.Evaluate(events, calendar, rules, now()).DeemedAcceptedAt;
            while (true)
            {
                using var cts = new CancellationTokenSource();
                var decisionTask = context.WaitForExternalEvent<DecisionEvent>(EventNames.Decision, cts.Token);
                var waits = new List<Task> { decisionTask, withdraw };
                Task? timer = deemedAt is { } d ? clock.UntilAsync(d, cts.Token) : null;
                if (timer is not null)
                {
                    waits.Add(timer);
                }

                var winner = await Task.WhenAny(waits);
                cts.Cancel(); // synchronously: CancelAsync would continue off the orchestration thread
                if (winner == withdraw)
                {
                    await context.CallAsync(nameof(ReviewActivities.CancelTask), new CancelTaskInput(input, centre, taskId));
                    await context.CallAsync(nameof(CaseActivities.WithdrawCase), new WithdrawInput(input, withdraw.Result));
                    return new AcceptanceResult(new CaseOutcome(CaseStatus.Withdrawn, null, []), null);
                }

                if (winner == timer)
                {
                    // Art. 32: no 一次性告知 within the window — the application counts as accepted from then on.
                    await context.CallAsync(nameof(ReviewActivities.CancelTask), new CancelTaskInput(input, centre, taskId, StepStatus.DeemedAccepted));
                    return new AcceptanceResult(null, await context.CallAsync<DateTimeOffset?>(nameof(CaseActivities.AcceptCase), new AcceptInput(input, deemedAt!.Value, true)));
                }

                var decision = decisionTask.Result;
                if (decision.TaskId != taskId)
                {
                    continue; // a repeated or stale event: the callback already answered it
                }

                switch (decision.Decision)
                {
                    case Decisions.Accept:
                        await context.CallAsync(nameof(ReviewActivities.RecordDecision), new RecordDecisionInput(input, centre, decision, events.Append(ClockEventDto.Decided(now())).ToList(), true, AlertsOpen: false));
                        return new AcceptanceResult(null, await context.CallAsync<DateTimeOffset?>(nameof(CaseActivities.AcceptCase), new AcceptInput(input, now(), false)));
                    case Decisions.NotAccept:
                        await context.CallAsync(nameof(ReviewActivities.RecordDecision), new RecordDecisionInput(input, centre, decision, events.Append(ClockEventDto.Decided(now())).ToList(), true, AlertsOpen: false));
                        await context.CallAsync(nameof(CaseActivities.RefuseCase), new RefuseInput(input, decision.Reasons.Select(r => new ReasonDto(centre, r)).ToList(), now()));
                        return new AcceptanceResult(new CaseOutcome(CaseStatus.NotAccepted, null, decision.Reasons.Select(r => new ReasonDto(centre, r)).ToList()), null);
                }

                // 一次性告知 before acceptance: the applicant supplements, then the service centre looks again.
                events.Add(ClockEventDto.Paused(now(), PauseReason.Supplement, Licensing.LegalLimits.AcceptanceSupplementBasis));
                await context.CallAsync(nameof(ReviewActivities.PauseStep), new PauseInput(input, centre, decision, events, true));
                if (!await WaitForSupplementsAsync(context, decision, withdraw))
                {
                    await context.CallAsync(nameof(ReviewActivities.CancelTask), new CancelTaskInput(input, centre, taskId));
                    await context.CallAsync(nameof(CaseActivities.WithdrawCase), new WithdrawInput(input, withdraw.Result));
                    return new AcceptanceResult(new CaseOutcome(CaseStatus.Withdrawn, null, []), null);
                }

                events.Add(ClockEventDto.Resumed(now()));
                break; // a new task for the service centre
            }
        }
    }

    /// <summary>Waits until every requested material was uploaded; false when the case was withdrawn first.</summary>
    internal static async Task<bool> WaitForSupplementsAsync(TaskOrchestrationContext context, DecisionEvent request, Task cancel)
    {
        var remaining = new HashSet<string>(request.RequiredMaterials, StringComparer.Ordinal);
        while (remaining.Count > 0)
        {
            using var cts = new CancellationTokenSource();
            var provided = context.WaitForExternalEvent<SupplementProvidedEvent>(EventNames.SupplementProvided, cts.Token);
            var winner = await Task.WhenAny(provided, cancel);
            cts.Cancel(); // synchronously: CancelAsync would continue off the orchestration thread
            if (winner == cancel)
            {
                return false;
            }

            if (provided.Result.RequestId == request.TaskId)
            {
                remaining.Remove(provided.Result.MaterialId);
            }
        }

        return true;
    }

    private sealed record AcceptanceResult(CaseOutcome? Outcome, DateTimeOffset? NextAlertAt);
}
