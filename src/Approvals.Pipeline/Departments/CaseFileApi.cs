using System.Globalization;
using Approvals.Pipeline.Api;
using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Materials;
using Approvals.Pipeline.Orchestrations;
using Approvals.Pipeline.Supervision;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Approvals.Pipeline.Departments;

/// <summary>
/// The case file for the departments on the case (内网办理): the department-scoped read and the download of each
/// material version, by officer token or signed link (<see cref="DepartmentAccess.Reader"/>). Invariant: no byte of a
/// case file leaves before its <c>FileAccessed</c> entry is committed to the timeline — an access that cannot be
/// recorded is refused (500), never served unrecorded. Each request is one access: a retried GET is recorded again,
/// because it read again.
/// </summary>
internal static class CaseFileApi
{
    public const string FileAccessed = "FileAccessed";

    public static string FilePath(string caseId, string departmentId) =>
        $"/api/applications/{caseId}/departments/{Uri.EscapeDataString(departmentId)}/file";

    public static string MaterialPath(string caseId, string departmentId, string materialId, int version) =>
        string.Create(CultureInfo.InvariantCulture, $"{FilePath(caseId, departmentId)}/materials/{Uri.EscapeDataString(materialId)}/versions/{version}");

    public static IEndpointRouteBuilder MapCaseFileApi(this IEndpointRouteBuilder routes)
    {
        // Anonymous at the policy level: a signed link or an officer token is checked by the handler (DepartmentAccess).
        routes.MapGet("/api/applications/{id}/departments/{departmentId}/file", GetFile)
            .WithTags("Department").WithName("DepartmentCaseFile").AllowAnonymous()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        routes.MapGet("/api/applications/{id}/departments/{departmentId}/file/materials/{materialId}/versions/{version}", DownloadMaterial)
            .WithTags("Department").WithName("DepartmentMaterialDownload").AllowAnonymous()
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .Produces(StatusCodes.Status206PartialContent, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status416RangeNotSatisfiable);
        // Authenticated by its Standard Webhooks signature, like the decision callback: a back office asks for a fresh link.
        routes.MapPost("/api/applications/{id}/departments/{departmentId}/file-link", CaseFileLinkApi.IssueAsync)
            .WithTags("Department").WithName("DepartmentCaseFileLink").AllowAnonymous()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .DisableAntiforgery();
        return routes;
    }

    public static async Task<Results<Ok<CaseFile>, ProblemHttpResult>> GetFile(
        string id, string departmentId, HttpRequest request, CaseFileLinks links, CaseStore store, CaseClocks clocks,
        TimelineStore timeline, CaseJournal journal, TimeProvider time, CancellationToken cancellationToken)
    {
        if (DepartmentAccess.Reader(request, id, departmentId, links, out var caller) is { } refused)
        {
            return refused;
        }

        var snapshot = await store.LoadAsync(id, cancellationToken);
        if (snapshot?.Department(departmentId) is not { } step)
        {
            // No case, or no step of this department on it: the same answer, so case ids cannot be probed.
            return Problems.NotFound("Application");
        }

        var now = time.GetUtcNow();
        var type = clocks.Type(snapshot.Case.LicenceTypeId, snapshot.Case.LicenceTypeVersion);
        var history = await timeline.ReadAsync(id, cancellationToken);
        await RecordAsync(journal, snapshot.Case, caller!, now, new Dictionary<string, string?> { ["what"] = "case-file", ["channel"] = caller!.Channel }, cancellationToken);
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(CaseFiles.Build(snapshot, step, type, clocks, history, caller, now));
    }

    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> DownloadMaterial(
        string id, string departmentId, string materialId, string version, HttpRequest request, CaseFileLinks links, CaseStore store,
        CaseClocks clocks, CaseJournal journal, TimeProvider time, CancellationToken cancellationToken)
    {
        if (DepartmentAccess.Reader(request, id, departmentId, links, out var caller) is { } refused)
        {
            return refused;
        }

        var view = await store.LoadViewAsync(id, cancellationToken);
        if (view?.Department(departmentId) is null)
        {
            return Problems.NotFound("Application");
        }

        var type = clocks.Type(view.Case.LicenceTypeId, view.Case.LicenceTypeVersion);
        var material = type.FindMaterial(materialId) is not null && int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0
            ? await store.GetMaterialAsync(id, materialId, v, cancellationToken)
            : null;
        if (material is not { } row)
        {
            return Problems.Create(StatusCodes.Status404NotFound, "material-not-found", "This material version does not exist on the application.");
        }

        var details = new Dictionary<string, string?>
        {
            ["what"] = "material",
            ["materialId"] = row.MaterialId,
            ["version"] = row.Version.ToString(CultureInfo.InvariantCulture),
            ["sha256"] = row.Sha256,
            ["channel"] = caller!.Channel,
        };
        if (request.Headers.Range.ToString() is { Length: > 0 } range)
        {
            details["range"] = range.Length > 100 ? range[..100] : range;
        }

        await RecordAsync(journal, view.Case, caller, time.GetUtcNow(), details, cancellationToken);
        var blob = store.Storage.Materials.GetBlobClient(row.BlobName);
        // Seekable and read in 1 MiB pieces on demand: a range request reads only its range, a whole download streams.
        var stream = await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { BufferSize = 1024 * 1024 }, cancellationToken);
        var headers = request.HttpContext.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "private, no-store";
        headers["Repr-Digest"] = "sha-256=:" + Convert.ToBase64String(Convert.FromHexString(row.Sha256)) + ":";
        var fileName = FileNames.Sanitise(row.FileName, row.MaterialId);
        return TypedResults.Stream(stream, row.ContentType, fileName, row.UploadedAt, new EntityTagHeaderValue("\"" + row.Sha256 + "\""), enableRangeProcessing: true);
    }

    private static Task RecordAsync(CaseJournal journal, CaseRow row, DepartmentCaller caller, DateTimeOffset at, Dictionary<string, string?> details, CancellationToken cancellationToken)
    {
        if (caller.Subject is { } subject)
        {
            details["subject"] = subject;
        }

        // One entry per request (see the class comment), so the key is new each time.
        return journal.AppendAsync(row.PartitionKey, row.Number, "access:" + Guid.NewGuid().ToString("N"), at, FileAccessed, caller.Actor, caller.DepartmentId, details, null, cancellationToken);
    }
}
