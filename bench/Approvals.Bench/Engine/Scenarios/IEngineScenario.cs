using Approvals.Bench.Shared;

namespace Approvals.Bench.Engine.Scenarios;

/// <summary>One engine benchmark: starts its own host on a fresh hub, warms up, measures, returns its table rows.</summary>
internal interface IEngineScenario
{
    /// <summary>The subcommand name (lowercase letters: it also prefixes the hub name).</summary>
    string Name { get; }

    /// <summary>How long the scenario may take before it counts as failed.</summary>
    TimeSpan Timeout { get; }

    Task<IReadOnlyList<BenchRow>> RunAsync(ScenarioRun run, CancellationToken ct);
}
