using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.DurableTask;

namespace Approvals.Pipeline.Orchestrations;

/// <summary>
/// Ids for what an orchestration does outside itself — activity idempotency keys, department task ids — that are
/// the same in every execution of the code that creates them.
/// Why not <see cref="TaskOrchestrationContext.NewGuid"/>: it hashes the episode's timestamp. DTFx's Azure Storage
/// provider sends an episode's messages (the activities it schedules) before it commits the episode's history; a host
/// killed in between leaves those activities to run while the episode is executed again, under a new timestamp — so
/// a NewGuid key differs between the two runs of one call and both runs take effect (seen in CrashTests: Submitted,
/// Accepted and DepartmentDecided recorded twice). These ids count calls instead: the n-th id of an instance is
/// the same in every execution, because orchestration code is deterministic.
/// Invariant: every id an orchestration hands to the outside comes from here, in code order.
/// </summary>
internal static class StableIds
{
    // One counter per execution of the orchestrator code (the SDK builds a context per execution; with extended
    // sessions one context lives on and so does its count). Weak: a finished execution's counter goes with it.
    private static readonly ConditionalWeakTable<TaskOrchestrationContext, StrongBox<int>> Counters = [];

    /// <summary>The next id of this instance, 32 hex characters; <paramref name="purpose"/> keeps kinds apart.</summary>
    public static string Next(TaskOrchestrationContext context, string purpose)
    {
        ArgumentNullException.ThrowIfNull(context);
        var counter = Counters.GetValue(context, _ => new StrongBox<int>());
        var n = counter.Value++;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{context.InstanceId}|{purpose}|{n}"));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }
}
