using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Orchestrations;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Approvals.Functions.Durable;

/// <summary>
/// The activities of <see cref="PipelineTasks.Activities"/> as activity triggers, named by class. Each call builds the
/// class from DI, hands it the invocation's cancellation token (the SDK's activity context has none) and runs it
/// through the SDK entry point the ASP.NET Core host's shims use, with a context carrying the calling instance.
/// The generic constraint ties each trigger's input type to its class, so a wrong one does not compile.
/// </summary>
internal sealed class ActivityFunctions
{
    [Function(nameof(CaseActivities.BeginCase))]
    public static Task<WithdrawEvent?> BeginCase([ActivityTrigger] ActivityRequest<CaseInput> input, string instanceId, FunctionContext context) =>
        Run<CaseActivities.BeginCase, CaseInput, WithdrawEvent?>(input, instanceId, context);

    [Function(nameof(CaseActivities.AcceptCase))]
    public static Task<CaseActivities.Acceptance> AcceptCase([ActivityTrigger] ActivityRequest<AcceptInput> input, string instanceId, FunctionContext context) =>
        Run<CaseActivities.AcceptCase, AcceptInput, CaseActivities.Acceptance>(input, instanceId, context);

    [Function(nameof(CaseActivities.RefuseCase))]
    public static Task<bool> RefuseCase([ActivityTrigger] ActivityRequest<RefuseInput> input, string instanceId, FunctionContext context) =>
        Run<CaseActivities.RefuseCase, RefuseInput, bool>(input, instanceId, context);

    [Function(nameof(CaseActivities.WithdrawCase))]
    public static Task<bool> WithdrawCase([ActivityTrigger] ActivityRequest<WithdrawInput> input, string instanceId, FunctionContext context) =>
        Run<CaseActivities.WithdrawCase, WithdrawInput, bool>(input, instanceId, context);

    [Function(nameof(CaseActivities.CheckCaseClock))]
    public static Task<DateTimeOffset?> CheckCaseClock([ActivityTrigger] ActivityRequest<CaseInput> input, string instanceId, FunctionContext context) =>
        Run<CaseActivities.CheckCaseClock, CaseInput, DateTimeOffset?>(input, instanceId, context);

    [Function(nameof(ReviewActivities.OpenTask))]
    public static Task<OpenTaskResult> OpenTask([ActivityTrigger] ActivityRequest<OpenTaskInput> input, string instanceId, FunctionContext context) =>
        Run<ReviewActivities.OpenTask, OpenTaskInput, OpenTaskResult>(input, instanceId, context);

    [Function(nameof(ReviewActivities.RecordDecision))]
    public static Task<bool> RecordDecision([ActivityTrigger] ActivityRequest<RecordDecisionInput> input, string instanceId, FunctionContext context) =>
        Run<ReviewActivities.RecordDecision, RecordDecisionInput, bool>(input, instanceId, context);

    [Function(nameof(ReviewActivities.CancelTask))]
    public static Task<DecisionEvent?> CancelTask([ActivityTrigger] ActivityRequest<CancelTaskInput> input, string instanceId, FunctionContext context) =>
        Run<ReviewActivities.CancelTask, CancelTaskInput, DecisionEvent?>(input, instanceId, context);

    [Function(nameof(ReviewActivities.RaiseStepAlert))]
    public static Task<DecisionEvent?> RaiseStepAlert([ActivityTrigger] ActivityRequest<StepAlertInput> input, string instanceId, FunctionContext context) =>
        Run<ReviewActivities.RaiseStepAlert, StepAlertInput, DecisionEvent?>(input, instanceId, context);

    [Function(nameof(ReviewActivities.PauseStep))]
    public static Task<bool> PauseStep([ActivityTrigger] ActivityRequest<PauseInput> input, string instanceId, FunctionContext context) =>
        Run<ReviewActivities.PauseStep, PauseInput, bool>(input, instanceId, context);

    [Function(nameof(ReviewActivities.ResumeStep))]
    public static Task<OpenTaskResult> ResumeStep([ActivityTrigger] ActivityRequest<ResumeInput> input, string instanceId, FunctionContext context) =>
        Run<ReviewActivities.ResumeStep, ResumeInput, OpenTaskResult>(input, instanceId, context);

    [Function(nameof(IssuanceActivities.CompleteCase))]
    public static Task<CaseCompletion> CompleteCase([ActivityTrigger] ActivityRequest<DecideInput> input, string instanceId, FunctionContext context) =>
        Run<IssuanceActivities.CompleteCase, DecideInput, CaseCompletion>(input, instanceId, context);

    [Function(nameof(WebhookActivities.NotifyDepartment))]
    public static Task<bool> NotifyDepartment([ActivityTrigger] ActivityRequest<NotifyInput> input, string instanceId, FunctionContext context) =>
        Run<WebhookActivities.NotifyDepartment, NotifyInput, bool>(input, instanceId, context);

    [Function(nameof(WebhookActivities.RecordWebhookFailure))]
    public static Task<bool> RecordWebhookFailure([ActivityTrigger] ActivityRequest<WebhookFailureInput> input, string instanceId, FunctionContext context) =>
        Run<WebhookActivities.RecordWebhookFailure, WebhookFailureInput, bool>(input, instanceId, context);

    internal static Task<TOutput> Run<TActivity, TInput, TOutput>(ActivityRequest<TInput> input, string instanceId, FunctionContext context)
        where TActivity : PipelineActivity<TInput, TOutput>
    {
        // The invocation's cancellation token is not handed on: a cancelled activity would fail its case for good
        // (see PipelineActivity); one in flight at shutdown finishes or runs again.
        var activity = ActivatorUtilities.CreateInstance<TActivity>(context.InstanceServices);
        return activity.RunAsync(new FunctionActivityContext(context.FunctionDefinition.Name, instanceId), input);
    }

    /// <summary>What the SDK's activity context carries in the Functions worker: the activity's name and the calling instance.</summary>
    private sealed class FunctionActivityContext(string name, string instanceId) : TaskActivityContext
    {
        public override TaskName Name { get; } = name;

        public override string InstanceId { get; } = instanceId;
    }
}
