using System.Globalization;
using System.Text;
using DurableTask.AzureStorage;

namespace Approvals.Pipeline.Tests.Runtime;

/// <summary>Reads the provider's own view of a case's instance (status, last history events) for failure messages.</summary>
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
            // One instance per case: the case id (the departments' steps run inside it).
            var state = (await service.GetOrchestrationStateAsync(caseId, allExecutions: false)).FirstOrDefault();
            if (state is null)
            {
                sb.Append(CultureInfo.InvariantCulture, $"[{caseId}: none] ");
            }
            else
            {
                var history = await service.GetOrchestrationHistoryAsync(caseId, state.OrchestrationInstance.ExecutionId);
                sb.Append(CultureInfo.InvariantCulture, $"[{caseId}: {state.OrchestrationStatus}, updated {state.LastUpdatedTime:HH:mm:ss.fff}, history tail {history[^Math.Min(1200, history.Length)..]}] ");
            }
        }
        catch (Exception e) when (e is Azure.RequestFailedException or InvalidOperationException)
        {
            sb.Append("(provider not readable: " + e.Message + ")");
        }

        return sb.ToString();
    }
}
