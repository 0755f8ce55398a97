using System.Globalization;
using System.Text;
using DurableTask.AzureStorage;

namespace Approvals.Pipeline.Tests.Runtime;

/// <summary>Reads the provider's own view of a case's instances (status, last history events) for failure messages.</summary>
internal static class RuntimeProbe
{
    public static async Task<string> DescribeAsync(string storage, string hub, string caseId)
    {
        var service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = hub,
            StorageAccountClientProvider = new StorageAccountClientProvider(storage),
        });
        var sb = new StringBuilder();
        try
        {
            foreach (var instance in new[] { caseId }.Concat(RemoteDriver.Departments.Select(d => global::Approvals.Pipeline.Orchestrations.InstanceIds.ForStep(caseId, d))))
            {
                var state = (await service.GetOrchestrationStateAsync(instance, allExecutions: false)).FirstOrDefault();
                if (state is null)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"[{instance}: none] ");
                    continue;
                }

                var history = await service.GetOrchestrationHistoryAsync(instance, state.OrchestrationInstance.ExecutionId);
                sb.Append(CultureInfo.InvariantCulture, $"[{instance}: {state.OrchestrationStatus}, updated {state.LastUpdatedTime:HH:mm:ss.fff}, history tail {history[^Math.Min(600, history.Length)..]}] ");
            }
        }
        catch (Exception e) when (e is Azure.RequestFailedException or InvalidOperationException)
        {
            sb.Append("(provider not readable: " + e.Message + ")");
        }

        return sb.ToString();
    }
}
