using System.Text.Json;
using Approvals.Pipeline.Runtime;
using Approvals.Pipeline.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Approvals.Pipeline.Hosting;

/// <summary>
/// Probes for the platform: <c>/healthz</c> (liveness: the process answers; no dependency is checked, so a storage
/// outage never restarts healthy replicas) and <c>/readyz</c> (readiness: storage answers and the Durable runtime has
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
            .AddCheck<RuntimeHealthCheck>("durable", tags: [ReadyTag]);
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
/// The Durable runtime has started on this host (its task hub exists and DTFx's dispatchers run). Until then — storage
/// unreachable at start, say — the probe is Unhealthy and says why; a client-only host (no worker) is Healthy.
/// </summary>
internal sealed class RuntimeHealthCheck(DurableRuntimeStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = !status.WorkerEnabled
            ? HealthCheckResult.Healthy("No worker on this host (DurableTask__WorkerEnabled=false).")
            : status.IsStarted
                ? HealthCheckResult.Healthy("The Durable runtime runs.")
                : HealthCheckResult.Unhealthy("The Durable runtime has not started" + (status.LastError is { } e ? ": " + e : "."));
        return Task.FromResult(result);
    }
}
