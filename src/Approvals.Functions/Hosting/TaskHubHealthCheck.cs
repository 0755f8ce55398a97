using Approvals.Pipeline.Runtime;
using Approvals.Pipeline.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Approvals.Functions.Hosting;

/// <summary>
/// Readiness of the Durable runtime in the Functions app, where the Functions host (not this worker) runs it: the
/// task hub exists and some worker holds its partitions (rows of <c>{hub}Partitions</c> with a
/// <c>CurrentOwner</c>). Replaces the ASP.NET Core host's check, which asks its own in-process runtime.
/// </summary>
internal sealed class TaskHubHealthCheck(StorageConnection storage, IOptions<DurableRuntimeOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        int rows = 0, owned = 0;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await foreach (var row in storage.Tables.GetTableClient(o.HubName + "Partitions").QueryAsync<Azure.Data.Tables.TableEntity>(cancellationToken: timeout.Token))
            {
                rows++;
                owned += string.IsNullOrEmpty(row.GetString("CurrentOwner")) ? 0 : 1;
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return HealthCheckResult.Unhealthy($"Task hub '{o.HubName}' does not exist yet: the Functions host creates it when it starts.");
        }
        catch (Exception e) when (e is Azure.RequestFailedException or OperationCanceledException)
        {
            return HealthCheckResult.Degraded("Partition ownership could not be read: " + e.GetType().Name + ".");
        }

        var data = new Dictionary<string, object> { ["partitions"] = o.PartitionCount, ["owned"] = owned };
        return owned == 0
            ? HealthCheckResult.Degraded($"Task hub '{o.HubName}' has {rows} partitions and no owner yet.", data: data)
            : HealthCheckResult.Healthy($"The Functions host owns {owned} of {rows} partitions of task hub '{o.HubName}'.", data: data);
    }
}
