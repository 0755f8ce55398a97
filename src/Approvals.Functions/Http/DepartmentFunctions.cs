using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Approvals.Functions.Http;

/// <summary>Department routes (officer inbox; the signed decision callback) and supervision (policy <c>supervisor</c>).</summary>
internal sealed class DepartmentFunctions
{
    [Function("DepartmentTasks")]
    public static Task<IActionResult> DepartmentTasks([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/departments/{departmentId}/tasks")] HttpRequest request) =>
        EndpointCall.RunAsync(request);

    [Function("DepartmentDecision")]
    public static Task<IActionResult> DepartmentDecision(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{id}/departments/{departmentId}/decision")] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        EndpointCall.RunAsync(request, client);

    [Function("GetTimeline")]
    public static Task<IActionResult> GetTimeline([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/supervision/applications/{id}/timeline")] HttpRequest request) =>
        EndpointCall.RunAsync(request);

    [Function("GetAlerts")]
    public static Task<IActionResult> GetAlerts([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/supervision/alerts")] HttpRequest request) =>
        EndpointCall.RunAsync(request);

    [Function("GetStats")]
    public static Task<IActionResult> GetStats([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/supervision/stats")] HttpRequest request) =>
        EndpointCall.RunAsync(request);

    [Function("GetComplaints")]
    public static Task<IActionResult> GetComplaints([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/supervision/complaints")] HttpRequest request) =>
        EndpointCall.RunAsync(request);
}
