using Approvals.Pipeline.Orchestrations;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Approvals.Functions.Durable;

/// <summary>
/// The orchestrators of <see cref="PipelineTasks.Orchestrators"/> as orchestration triggers, named by class (as the
/// ASP.NET Core host registers them with DTFx): each replay gets a fresh instance from DI and runs it as it is.
/// Written by hand because Microsoft.DurableTask.Generators is not served here; a test checks the names against
/// <see cref="PipelineTasks"/>.
/// </summary>
internal sealed class OrchestratorFunctions(IServiceProvider services)
{
    [Function(nameof(LicenceApproval))]
    public Task<CaseOutcome> LicenceApproval([OrchestrationTrigger] TaskOrchestrationContext context) =>
        ActivatorUtilities.CreateInstance<LicenceApproval>(services).RunAsync(context, context.GetInput<CaseInput>()!);
}
