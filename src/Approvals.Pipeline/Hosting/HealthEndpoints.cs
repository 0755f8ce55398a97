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
/// The Durable runtime has started on this host (its task hub exists and DTFx's dispatchers run) and owns at least one
/// partition, read from the provider's partition table ({hub}Partitions, one row per control queue with its
/// CurrentOwner). Not started — storage unreachable at start, say — is Unhealthy with the reason; started but owning
/// no partition (more replicas than partitions, or just before a lease moves here) is Degraded, which still answers
/// 200: the host serves HTTP and sends work to the owners. A client-only host (no worker) is Healthy.
/// </summary>
internal sealed class RuntimeHealthCheck(DurableRuntimeStatus status, StorageConnection storage, Microsoft.Extensions.Options.IOptions<DurableRuntimeOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!status.WorkerEnabled)
        {
            return HealthCheckResult.Healthy("No worker on this host (DurableTask__WorkerEnabled=false).");
        }

        if (!status.IsStarted)
        {
            return HealthCheckResult.Unhealthy("The Durable runtime has not started" + (status.LastError is { } e ? ": " + e : "."));
        }

        var o = options.Value;
        var owned = new List<int>();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var queues = o.ControlQueueNames.ToList();
            await foreach (var row in storage.Tables.GetTableClient(o.HubName + "Partitions").QueryAsync<Azure.Data.Tables.TableEntity>(cancellationToken: timeout.Token))
            {
                if (row.GetString("CurrentOwner") == status.WorkerId && queues.IndexOf(row.RowKey) is >= 0 and var index)
                {
                    owned.Add(index);
                }
            }
        }
        catch (Exception e) when (e is Azure.RequestFailedException or OperationCanceledException)
        {
            return HealthCheckResult.Degraded("Partition ownership could not be read: " + e.GetType().Name + ".");
        }

        owned.Sort();
        var data = new Dictionary<string, object> { ["partitions"] = o.PartitionCount, ["owned"] = owned.ToArray() };
        return owned.Count == 0
            ? HealthCheckResult.Degraded("The Durable runtime runs but owns no partition.", data: data)
            : HealthCheckResult.Healthy($"Owns {owned.Count} of {o.PartitionCount} partitions.", data: data);
    }
}
