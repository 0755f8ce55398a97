using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Approvals.Functions.Http;

/// <summary>Applicant routes (policy <c>applicant</c>, from the endpoints): drafts, materials, submission, licences.</summary>
internal sealed class ApplicantFunctions
{
    [Function("CreateDraft")]
    public static Task<IActionResult> CreateDraft([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications")] HttpRequest request) =>
        EndpointCall.RunAsync(request);

    [Function("ListApplications")]
    public static Task<IActionResult> ListApplications([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/applications")] HttpRequest request) =>
        EndpointCall.RunAsync(request);

    [Function("GetApplication")]
    public static Task<IActionResult> GetApplication([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/applications/{id}")] HttpRequest request) =>
        EndpointCall.RunAsync(request);

    [Function("SubmitApplication")]
    public static Task<IActionResult> SubmitApplication(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{id}/submit")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        EndpointCall.RunAsync(request, client);

    [Function("WithdrawApplication")]
    public static Task<IActionResult> WithdrawApplication(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{id}/withdraw")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        EndpointCall.RunAsync(request, client);

    [Function("FileComplaint")]
    public static Task<IActionResult> FileComplaint([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{id}/complaints")] HttpRequest request) =>
        EndpointCall.RunAsync(request);

    [Function("UploadMaterial")]
    public static Task<IActionResult> UploadMaterial(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/applications/{id}/materials/{materialId}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        EndpointCall.RunAsync(request, client);

    [Function("GetLicence")]
    public static Task<IActionResult> GetLicence([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/applications/{id}/licence")] HttpRequest request) =>
        EndpointCall.RunAsync(request);

    [Function("GetLicencePdf")]
    public static Task<IActionResult> GetLicencePdf([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/applications/{id}/licence.pdf")] HttpRequest request) =>
        EndpointCall.RunAsync(request);
}
