using Microsoft.DurableTask;
using Approvals.Pipeline.Cases;
using Approvals.Licensing.Calendar;
using Approvals.Licensing.Catalogue;
using Approvals.Licensing.Clock;

namespace Approvals.Pipeline.Orchestrations;

/// <summary>
/// The department steps of <see cref="LicenceApproval"/>'s review loop: each step's state and what the loop does with a
/// decision, an uploaded supplement or an alert instant that came due. Orchestration code (replayed): no I/O here.
/// </summary>
internal static class ReviewSteps
{
    /// <summary>
    /// Raises every alert that has come due — each step's (预警, 黄牌, 红牌: each level once per step) and the case
    /// clock's — and looks again until a look finds none: time moves on while an alert is recorded (possibly past
    /// another instant, e.g. across a host outage or a clock shift), and the caller arms the timer from that last look,
    /// with no await in between. Returns the case clock's next alert instant.
    /// </summary>
    /// <remarks>
    /// A step whose decision turns out to be claimed already (its event late, or lost to a crash between the claim and
    /// the event) raises no alert: the activity returns the decision, taken here as if its event had come.
    /// </remarks>
    internal static async Task<DateTimeOffset?> RaiseDueAlertsAsync(TaskOrchestrationContext context, CaseTimer timer, OrchestrationClock clock, CaseInput input,
        WorkingCalendar calendar, List<StepState> steps, List<SupplementProvidedEvent> early, DateTimeOffset? nextCaseAlert)
    {
        while (true)
        {
            var raised = false;
            foreach (var step in steps.Where(s => s.Status == StepStatus.Pending).ToList())
            {
                var now = timer.DueNow;
                var state = CaseClocks.Evaluate(step.Clock, calendar, step.Rules, now);
                if (state.Alert > step.Raised)
                {
                    var claimed = await context.CallAsync<DecisionEvent?>(nameof(ReviewActivities.RaiseStepAlert),
                        new StepAlertInput(input, step.DepartmentId, step.TaskId, state.Alert, ClockSnapshot.From(state), now));
                    // A final decision found instead counts the level as raised all the same: an earlier attempt of
                    // the activity may have raised it, and the decision then closes the step's alerts (RecordDecision's
                    // AlertsOpen). A supplement request does not: the step pauses, and the level is raised if the
                    // resumed clock reaches it (raising an alert twice keeps one open alert).
                    if (claimed is null || claimed.Decision is Decisions.Approve or Decisions.Reject)
                    {
                        step.Raised = state.Alert;
                    }

                    if (claimed is not null)
                    {
                        await OnDecisionAsync(context, clock, input, steps, early, claimed);
                    }

                    raised = true;
                }
            }

            if (nextCaseAlert is { } at && timer.DueNow >= at)
            {
                // A case-clock alert instant passed: the activity reads the stored clock (pauses come from the steps),
                // raises what is due and returns the next instant.
                nextCaseAlert = await context.CallAsync<DateTimeOffset?>(nameof(CaseActivities.CheckCaseClock), input);
                raised = true;
            }

            if (!raised)
            {
                return nextCaseAlert;
            }
        }
    }

    /// <summary>A department's decision: final (approve, reject) or a supplement request (补正) that pauses its clock.</summary>
    internal static async Task OnDecisionAsync(TaskOrchestrationContext context, OrchestrationClock clock, CaseInput input, List<StepState> steps,
        List<SupplementProvidedEvent> early, DecisionEvent decision)
    {
        var step = steps.Find(s => s.DepartmentId == decision.DepartmentId);
        if (step is null || step.Status != StepStatus.Pending || decision.TaskId != step.TaskId)
        {
            return; // a repeated or stale callback (a task the step already left, the service centre's): already answered
        }

        if (decision.Decision is Decisions.Approve or Decisions.Reject)
        {
            step.Clock.Add(ClockEventDto.Decided(DecidedAt(decision, step.Clock)));
            await context.CallAsync(nameof(ReviewActivities.RecordDecision), new RecordDecisionInput(input, step.DepartmentId, decision, step.Clock, false, step.Raised > AlertLevel.None));
            step.Status = decision.Decision == Decisions.Approve ? StepStatus.Approved : StepStatus.Rejected;
            step.Reasons = decision.Reasons;
            return;
        }

        // 补正: the step clock stops until the applicant has uploaded everything asked for.
        step.Clock.Add(ClockEventDto.Paused(DecidedAt(decision, step.Clock), PauseReason.Supplement, Licensing.LegalLimits.ReviewSupplementBasis));
        await context.CallAsync(nameof(ReviewActivities.PauseStep), new PauseInput(input, step.DepartmentId, decision, step.Clock, false));
        step.AwaitSupplements(decision);
        // Uploads that arrived before this request was taken (the callback commits the request, then raises the
        // event, and an upload can come in between) count for it.
        foreach (var provided in early.Where(e => e.RequestId == decision.TaskId).ToList())
        {
            step.Remaining.Remove(provided.MaterialId);
            early.Remove(provided);
        }

        if (step.Remaining.Count == 0)
        {
            await ResumeAsync(context, clock, input, step);
        }
    }

    /// <summary>
    /// An uploaded material: it counts for the step whose open request it answers; the last one resumes that step. One
    /// for a request not taken yet is kept in <paramref name="early"/> (at most one per upload).
    /// </summary>
    internal static async Task OnSupplementAsync(TaskOrchestrationContext context, OrchestrationClock clock, CaseInput input, List<StepState> steps,
        List<SupplementProvidedEvent> early, SupplementProvidedEvent provided)
    {
        var step = steps.Find(s => s.Status == StepStatus.AwaitingSupplement && s.Request?.TaskId == provided.RequestId);
        if (step is null)
        {
            // Its request's decision may still be on its way (or it answered a request already closed: it then never
            // matches, since task ids are unique).
            early.Add(provided);
            return;
        }

        if (!step.Remaining.Remove(provided.MaterialId) || step.Remaining.Count > 0)
        {
            return; // a repeat, or more materials to come
        }

        await ResumeAsync(context, clock, input, step);
    }

    /// <summary>Every requested material arrived: the step clock resumes under a new task id (the old one is stale from now on).</summary>
    internal static async Task ResumeAsync(TaskOrchestrationContext context, OrchestrationClock clock, CaseInput input, StepState step)
    {
        step.Clock.Add(ClockEventDto.Resumed(NotBefore(clock.Now, step.Clock)));
        var previous = step.TaskId;
        step.TaskId = StableIds.Next(context, "task");
        var resumed = await context.CallAsync<OpenTaskResult>(nameof(ReviewActivities.ResumeStep), new ResumeInput(input, step.DepartmentId, previous, step.TaskId, step.Clock));
        step.Resume();
        if (resumed.WebhookPending)
        {
            // Its department's back office learns of the new task id (task.resumed); retries run alongside the review.
            step.Notified = Task.WhenAll(step.Notified, NotifyAsync(context, step.WebhookRetry, new NotifyInput(input, step.DepartmentId, step.TaskId, resumed.DueDate, previous)));
        }
    }

    /// <summary>The signed webhook, with durable retries; a final failure is recorded, never fatal to the review.</summary>
    internal static async Task NotifyAsync(TaskOrchestrationContext context, RetryPolicy retry, NotifyInput notify)
    {
        try
        {
            await context.CallAsync<bool>(nameof(WebhookActivities.NotifyDepartment), notify, TaskOptions.FromRetryPolicy(retry));
        }
        catch (TaskFailedException e)
        {
            await context.CallAsync(nameof(WebhookActivities.RecordWebhookFailure), new WebhookFailureInput(notify.Case, notify.DepartmentId, notify.TaskId, e.FailureDetails.ErrorMessage));
        }
    }

    /// <summary>
    /// When a decision stops (or pauses) a clock: the instant the callback committed it — the instant on the step row
    /// the applicant sees — never before the clock's last event. Not the instant its event is taken: that is later
    /// when the event came late or was recovered by a timer, and the clock would count days the department did not use.
    /// </summary>
    internal static DateTimeOffset DecidedAt(DecisionEvent decision, IReadOnlyList<ClockEventDto> clock) => NotBefore(decision.ReceivedAt, clock);

    /// <summary>
    /// <paramref name="at"/>, or the clock's last event if that is later: a clock's events stay in order even when two
    /// clocks (the endpoint's, the orchestration's) disagree by a little.
    /// </summary>
    internal static DateTimeOffset NotBefore(DateTimeOffset at, IReadOnlyList<ClockEventDto> clock) =>
        clock.Count > 0 && clock[^1].At > at ? clock[^1].At : at;

    internal static DateTimeOffset? Earliest(DateTimeOffset? first, IEnumerable<DateTimeOffset?> others)
    {
        var earliest = first;
        foreach (var at in others)
        {
            if (at is { } t && (earliest is null || t < earliest))
            {
                earliest = t;
            }
        }

        return earliest;
    }

    /// <summary>
    /// One department's step as the case orchestration keeps it: its task, its clock events, the highest alert raised,
    /// an open supplement request with the materials still to come, its status — rebuilt on replay from history.
    /// </summary>
    internal sealed class StepState(string departmentId, ClockRules rules, RetryPolicy webhookRetry)
    {
        public string DepartmentId { get; } = departmentId;

        public ClockRules Rules { get; } = rules;

        /// <summary>How the department's task webhook is retried (a setting, the same in every replay).</summary>
        public RetryPolicy WebhookRetry { get; } = webhookRetry;

        /// <summary>The current task; a decision for any other is stale.</summary>
        public string TaskId { get; set; } = "";

        /// <summary>The step clock's events (accepted, paused, resumed, decided), as passed to the activities.</summary>
        public List<ClockEventDto> Clock { get; } = [];

        public AlertLevel Raised { get; set; } = AlertLevel.None;

        /// <summary><see cref="StepStatus.Pending"/>, <see cref="StepStatus.AwaitingSupplement"/>, then Approved or Rejected.</summary>
        public string Status { get; set; } = StepStatus.Pending;

        /// <summary>The open supplement request (its task id is the uploads' request id), while awaiting the applicant.</summary>
        public DecisionEvent? Request { get; private set; }

        public HashSet<string> Remaining { get; } = new(StringComparer.Ordinal);

        public IReadOnlyList<string> Reasons { get; set; } = [];

        /// <summary>The webhook's retries, when the first attempt failed; awaited before the case completes.</summary>
        public Task Notified { get; set; } = Task.CompletedTask;

        public bool IsOpen => Status is StepStatus.Pending or StepStatus.AwaitingSupplement;

        public void AwaitSupplements(DecisionEvent request)
        {
            Status = StepStatus.AwaitingSupplement;
            Request = request;
            Remaining.Clear();
            Remaining.UnionWith(request.RequiredMaterials);
        }

        public void Resume()
        {
            Status = StepStatus.Pending;
            Request = null;
            Remaining.Clear();
        }

        /// <summary>The step clock's next alert instant after <paramref name="now"/>; none while paused or decided.</summary>
        public DateTimeOffset? NextAlertAt(WorkingCalendar calendar, DateTimeOffset now) =>
            Status == StepStatus.Pending ? CaseClocks.NextAlertAt(CaseClocks.Evaluate(Clock, calendar, Rules, now), now) : null;
    }
}
