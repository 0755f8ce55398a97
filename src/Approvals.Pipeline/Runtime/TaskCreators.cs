using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker.Shims;
using CoreActivity = DurableTask.Core.TaskActivity;
using CoreOrchestration = DurableTask.Core.TaskOrchestration;

namespace Approvals.Pipeline.Runtime;

/// <summary>
/// Hands DTFx's <c>TaskHubWorker</c> a fresh SDK shim around a fresh instance of one of our classes for every
/// execution (runtime.md path A): the class comes from DI, so it takes constructor dependencies; the shim runs it
/// with the SDK's own <see cref="DataConverter"/>, exactly as the Functions worker would.
/// Invariants: the name is the class name (the Functions app registers the same names); the version is <c>""</c>
/// (DTFx matches name and version, and starts pass <c>""</c>). The creator knows no parent instance, so
/// <c>context.Parent</c> is null in sub-orchestrations on this host — our orchestrators never read it.
/// </summary>
internal sealed class OrchestratorCreator : DurableTask.Core.ObjectCreator<CoreOrchestration>
{
    private readonly Type _type;
    private readonly IServiceProvider _services;
    private readonly DurableTaskShimFactory _shims;

    public OrchestratorCreator(Type type, IServiceProvider services, DurableTaskShimFactory shims)
    {
        _type = type;
        _services = services;
        _shims = shims;
        Name = type.Name;
        Version = string.Empty;
    }

    public override CoreOrchestration Create() =>
        _shims.CreateOrchestration(Name, (ITaskOrchestrator)ActivatorUtilities.CreateInstance(_services, _type));
}

/// <summary>As <see cref="OrchestratorCreator"/>, for activities.</summary>
internal sealed class ActivityCreator : DurableTask.Core.ObjectCreator<CoreActivity>
{
    private readonly Type _type;
    private readonly IServiceProvider _services;
    private readonly DurableTaskShimFactory _shims;

    public ActivityCreator(Type type, IServiceProvider services, DurableTaskShimFactory shims)
    {
        _type = type;
        _services = services;
        _shims = shims;
        Name = type.Name;
        Version = string.Empty;
    }

    public override CoreActivity Create() =>
        _shims.CreateActivity(Name, (ITaskActivity)ActivatorUtilities.CreateInstance(_services, _type));
}
