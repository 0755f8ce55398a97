using System.Text.Json;
using Approvals.Durable;
using Approvals.Durable.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Approvals.Functions.Hosting;

/// <summary>
/// Probes for the platform: <c>/healthz</c> (liveness: the process answers; no dependency is checked, so a storage
/// outage never restarts healthy replicas) and <c>/readyz</c> (readiness: storage answers and the engine worker has
/// started and owns partitions). Both are anonymous, never rate limited and not traced.
/// </summary>
internal static class HealthEndpoints
{
    public const string Liveness = "/healthz";
    public const string Readiness = "/readyz";
    private const string ReadyTag = "ready";

    public static bool IsProbe(PathString path) => path.StartsWithSegments(Liveness) || path.StartsWithSegments(Readiness);

    public static IServiceCollection AddApprovalsHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: [ReadyTag])
            .AddCheck<EngineHealthCheck>("engine", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapApprovalsHealthChecks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(Liveness, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .AllowAnonymous().ExcludeFromDescription();
        endpoints.MapHealthChecks(Readiness, new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync })
            .AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), context.RequestAborted);
    }
}

/// <summary>Storage answers: one table-service query (a table named after the hub, at most one row back).</summary>
internal sealed class StorageHealthCheck(StorageConnection storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await foreach (var _ in storage.Tables.QueryAsync(maxPerPage: 1, cancellationToken: timeout.Token).AsPages(pageSizeHint: 1))
            {
                break;
            }

            return HealthCheckResult.Healthy("Table service answered.");
        }
        catch (Exception e) when (e is Azure.RequestFailedException or OperationCanceledException or Azure.Identity.AuthenticationFailedException)
        {
            return HealthCheckResult.Unhealthy("Storage is not reachable: " + e.GetType().Name + ".");
        }
    }
}

/// <summary>
/// The engine worker has started (its tables and queues exist and its lease loop runs) and this replica owns at least
/// one partition. A started replica that owns none (more replicas than partitions, or just before a lease moves to
/// it) is Degraded, which still answers 200: it serves HTTP and sends work to the owners.
/// </summary>
internal sealed class EngineHealthCheck(DurableTaskWorkerStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["partitions"] = status.PartitionCount,
            ["owned"] = status.OwnedPartitions.ToArray(),
        };
        var result = !status.IsStarted
            ? HealthCheckResult.Unhealthy("The engine worker has not started.", data: data)
            : status.OwnedPartitions.Count == 0
                ? HealthCheckResult.Degraded("The engine worker runs but owns no partition.", data: data)
                : HealthCheckResult.Healthy($"Owns {status.OwnedPartitions.Count} of {status.PartitionCount} partitions.", data: data);
        return Task.FromResult(result);
    }
}
