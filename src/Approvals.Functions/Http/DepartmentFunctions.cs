using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Approvals.Functions.Http;

/// <summary>
/// Department routes (officer inbox, claim/release/assign, the decision by signed callback or officer token, the case
/// file and its material downloads) and supervision (policy <c>supervisor</c>).
/// </summary>
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

    [Function("ClaimTask")]
    public static Task<IActionResult> ClaimTask([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{id}/departments/{departmentId}/claim")] HttpRequest request) =>
        EndpointCall.RunAsync(request);

    [Function("ReleaseTask")]
    public static Task<IActionResult> ReleaseTask([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{id}/departments/{departmentId}/release")] HttpRequest request) =>
        EndpointCall.RunAsync(request);

    [Function("AssignTask")]
    public static Task<IActionResult> AssignTask([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{id}/departments/{departmentId}/assign")] HttpRequest request) =>
        EndpointCall.RunAsync(request);

    [Function("DepartmentCaseFile")]
    public static Task<IActionResult> DepartmentCaseFile([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/applications/{id}/departments/{departmentId}/file")] HttpRequest request) =>
        EndpointCall.RunAsync(request);

    [Function("DepartmentMaterialDownload")]
    public static Task<IActionResult> DepartmentMaterialDownload(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/applications/{id}/departments/{departmentId}/file/materials/{materialId}/versions/{version}")] HttpRequest request) =>
        EndpointCall.RunAsync(request);

    [Function("DepartmentCaseFileLink")]
    public static Task<IActionResult> DepartmentCaseFileLink([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{id}/departments/{departmentId}/file-link")] HttpRequest request) =>
        EndpointCall.RunAsync(request);

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
