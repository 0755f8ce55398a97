using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Approvals.Functions.Http;

// Every HTTP trigger is anonymous to the Functions host: identity and policies are the endpoints' own (JWT bearer,
// webhook signatures), applied by HttpEndpointMiddleware exactly as on the ASP.NET Core host. Routes are the full
// paths (host.json sets routePrefix to ""), so both hosts serve the same URLs.

/// <summary>Public routes: catalogue, licence verification, register, the dashboard page, OpenAPI, probes.</summary>
internal sealed class PublicFunctions
{
    [Function("ListLicenceTypes")]
    public static Task<IActionResult> ListLicenceTypes([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/licence-types")] HttpRequest request) =>
        EndpointCall.RunAsync(request);

    [Function("GetLicenceType")]
    public static Task<IActionResult> GetLicenceType([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/licence-types/{typeId}")] HttpRequest request) =>
        EndpointCall.RunAsync(request);

    [Function("VerifyLicence")]
    public static Task<IActionResult> VerifyLicence([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/public/licences/{licenceNumber}")] HttpRequest request) =>
        EndpointCall.RunAsync(request);

    [Function("GetPublicRegister")]
    public static Task<IActionResult> GetPublicRegister([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/public/register")] HttpRequest request) =>
        EndpointCall.RunAsync(request);

    [Function("SupervisionDashboard")]
    public static Task<IActionResult> SupervisionDashboard([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "supervision")] HttpRequest request) =>
        EndpointCall.RunAsync(request);

    [Function("OfficerWorkbench")]
    public static Task<IActionResult> OfficerWorkbench([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workbench")] HttpRequest request) =>
        EndpointCall.RunAsync(request);

    [Function("OpenApiDocument")]
    public static Task<IActionResult> OpenApiDocument([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi/{documentName}.json")] HttpRequest request) =>
        EndpointCall.RunAsync(request);

    [Function("Liveness")]
    public static Task<IActionResult> Liveness([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "healthz")] HttpRequest request) =>
        EndpointCall.RunAsync(request);

    [Function("Readiness")]
    public static Task<IActionResult> Readiness([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "readyz")] HttpRequest request) =>
        EndpointCall.RunAsync(request);
}
