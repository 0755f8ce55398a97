using Approvals.Pipeline.Departments;
using Microsoft.DurableTask;
using Approvals.Pipeline.Cases;
using Approvals.Licensing.Clock;

// DURABLE0011 (no ContinueAsNew in an unbounded loop): the loops here turn one turn per alert level (three), per supplement round or stale callback: a step's history stays small.
#pragma warning disable DURABLE0011

namespace Approvals.Pipeline.Orchestrations;

/// <summary>
/// One department's review step: open the task (inbox + optional signed webhook), then wait for the decision raced
/// against the step clock's alert instants — 预警, 黄牌, 红牌 are raised as alerts while the step keeps waiting.
/// A supplement request pauses the step clock until the applicant uploads every requested material, then the clock
/// resumes under a new task id. A <c>Cancel</c> event (withdrawal) closes the task.
/// </summary>
internal sealed class DepartmentReview(CaseClocks clocks, DepartmentDirectory departments) : TaskOrchestrator<StepInput, StepOutcome>
{
    public override async Task<StepOutcome> RunAsync(TaskOrchestrationContext context, StepInput input)
    {
        var type = clocks.Type(input.Case.LicenceTypeId, input.Case.LicenceTypeVersion);
        var step = type.Departments.First(d => d.DepartmentId == input.DepartmentId);
        var calendar = clocks.Calendar(type.Jurisdiction, input.Case.CalendarVersion);
        var rules = ClockRules.ForStep(type, step);
        var clock = new OrchestrationClock(context, input.Case.ClockShift);
        var now = () => clock.Now;
        var cancel = context.WaitForExternalEvent<WithdrawEvent>(EventNames.Cancel);

        var events = new List<ClockEventDto> { ClockEventDto.Accepted(now()) };
        var taskId = StableIds.Next(context, "task");
        var instanceId = context.InstanceId;
        var opened = await context.CallAsync<OpenTaskResult>(nameof(ReviewActivities.OpenTask), new OpenTaskInput(input.Case, input.DepartmentId, taskId, instanceId, now(), events, false));
        var notified = opened.WebhookPending ? NotifyAsync(context, departments.WebhookRetry, input.Case, input.DepartmentId, taskId, opened.DueDate) : Task.CompletedTask;
        var raised = AlertLevel.None;
        while (true)
        {
            var state = CaseClocks.Evaluate(events, calendar, rules, now());
            if (state.Alert > raised)
            {
                raised = state.Alert;
                await context.CallAsync(nameof(ReviewActivities.RaiseStepAlert), new StepAlertInput(input.Case, input.DepartmentId, raised, ClockSnapshot.From(state), now()));
                // Time moved on while the alert was recorded (possibly past the next instant, e.g. across a host
                // outage): evaluate again rather than arm a timer from a stale state.
                continue;
            }

            using var cts = new CancellationTokenSource();
            var decisionTask = context.WaitForExternalEvent<DecisionEvent>(EventNames.Decision, cts.Token);
            var waits = new List<Task> { decisionTask, cancel };
            var next = CaseClocks.NextAlertAt(state, now());
            Task? timer = next is { } at ? clock.UntilAsync(at, cts.Token) : null;
            if (timer is not null)
            {
                waits.Add(timer);
            }

            var winner = await Task.WhenAny(waits);
            cts.Cancel(); // synchronously: CancelAsync would continue off the orchestration thread
            if (winner == cancel)
            {
                await context.CallAsync(nameof(ReviewActivities.CancelTask), new CancelTaskInput(input.Case, input.DepartmentId, taskId));
                return new StepOutcome(input.DepartmentId, StepStatus.Cancelled, []);
            }

            if (winner == timer)
            {
                continue; // an alert instant passed: re-evaluate and raise it
            }

            var decision = decisionTask.Result;
            if (decision.TaskId != taskId)
            {
                continue; // a replayed callback for a task this step already left
            }

            if (decision.Decision is Decisions.Approve or Decisions.Reject)
            {
                events.Add(ClockEventDto.Decided(now()));
                await context.CallAsync(nameof(ReviewActivities.RecordDecision), new RecordDecisionInput(input.Case, input.DepartmentId, decision, events, false, raised > AlertLevel.None));
                await notified;
                return new StepOutcome(input.DepartmentId, decision.Decision == Decisions.Approve ? StepStatus.Approved : StepStatus.Rejected, decision.Reasons);
            }

            // 补正: the step clock stops until the applicant has uploaded everything asked for.
            events.Add(ClockEventDto.Paused(now(), PauseReason.Supplement, Licensing.LegalLimits.ReviewSupplementBasis));
            await context.CallAsync(nameof(ReviewActivities.PauseStep), new PauseInput(input.Case, input.DepartmentId, decision, events, false));
            if (!await LicenceApproval.WaitForSupplementsAsync(context, decision, cancel))
            {
                await context.CallAsync(nameof(ReviewActivities.CancelTask), new CancelTaskInput(input.Case, input.DepartmentId, taskId));
                return new StepOutcome(input.DepartmentId, StepStatus.Cancelled, []);
            }

            events.Add(ClockEventDto.Resumed(now()));
            var previous = taskId;
            taskId = StableIds.Next(context, "task");
            await context.CallAsync(nameof(ReviewActivities.ResumeStep), new ResumeInput(input.Case, input.DepartmentId, previous, taskId, events));
        }
    }

    /// <summary>The signed webhook, with durable retries; a final failure is recorded, never fatal to the review.</summary>
    internal static async Task NotifyAsync(TaskOrchestrationContext context, RetryPolicy retry, CaseInput c, string departmentId, string taskId, DateOnly? dueDate)
    {
        try
        {
            await context.CallAsync<bool>(nameof(WebhookActivities.NotifyDepartment), new NotifyInput(c, departmentId, taskId, dueDate), TaskOptions.FromRetryPolicy(retry));
        }
        catch (TaskFailedException e)
        {
            await context.CallAsync(nameof(WebhookActivities.RecordWebhookFailure), new WebhookFailureInput(c, departmentId, taskId, e.FailureDetails.ErrorMessage));
        }
    }
}
