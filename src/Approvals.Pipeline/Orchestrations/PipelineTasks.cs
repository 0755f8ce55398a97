namespace Approvals.Pipeline.Orchestrations;

/// <summary>
/// Every orchestrator and activity of the pipeline, by class: the one list both hosts register (the ASP.NET Core
/// host through DTFx, the Functions app as trigger functions; a test checks that the two agree). Names are the class
/// names.
/// </summary>
internal static class PipelineTasks
{
    public static readonly IReadOnlyList<Type> Orchestrators = [typeof(LicenceApproval)];

    public static readonly IReadOnlyList<Type> Activities =
    [
        typeof(CaseActivities.BeginCase),
        typeof(CaseActivities.AcceptCase),
        typeof(CaseActivities.RefuseCase),
        typeof(CaseActivities.WithdrawCase),
        typeof(CaseActivities.CheckCaseClock),
        typeof(ReviewActivities.OpenTask),
        typeof(ReviewActivities.RecordDecision),
        typeof(ReviewActivities.CancelTask),
        typeof(ReviewActivities.RaiseStepAlert),
        typeof(ReviewActivities.PauseStep),
        typeof(ReviewActivities.ResumeStep),
        typeof(IssuanceActivities.CompleteCase),
        typeof(WebhookActivities.NotifyDepartment),
        typeof(WebhookActivities.RecordWebhookFailure),
    ];
}
