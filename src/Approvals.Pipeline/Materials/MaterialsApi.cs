using System.Security.Claims;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Approvals.Pipeline.Api;
using Approvals.Pipeline.Applicants;
using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Hosting;
using Approvals.Pipeline.Identity;
using Approvals.Pipeline.Orchestrations;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Approvals.Pipeline.Materials;

/// <summary>The material upload route.</summary>
internal static class MaterialsApi
{
    public static RouteGroupBuilder MapMaterialsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/applications/{id}/materials").WithTags("Applicant").RequireAuthorization(Policies.Applicant);
        group.MapPut("/{materialId}", Upload)
            .WithName("UploadMaterial")
            .Accepts<Stream>("application/pdf", "image/jpeg", "image/png")
            .WithOwnBodyLimit() // the catalogue's per-material limit, enforced while streaming
            .DisableAntiforgery();
        return group;
    }

    /// <summary>A stored material version (201 body).</summary>
    internal sealed record MaterialStored(string MaterialId, string FileName, string ContentType, long Size, string Sha256, int Version);

    public static async Task<Results<Created<MaterialStored>, ProblemHttpResult>> Upload(
        string id, string materialId, HttpRequest request, ClaimsPrincipal user, CaseStore store, CaseClocks clocks,
        MaterialUploader uploader, DurableTaskClient engine, CaseJournal journal, CancellationToken cancellationToken)
    {
        var snapshot = await ApplicationsApi.LoadOwnAsync(store, id, user, cancellationToken);
        if (snapshot is null)
        {
            return Problems.NotFound("Application");
        }

        var type = clocks.Type(snapshot.Case.LicenceTypeId, snapshot.Case.LicenceTypeVersion);
        var requirement = type.FindMaterial(materialId);
        if (requirement is null)
        {
            return Problems.Create(StatusCodes.Status404NotFound, "unknown-material", $"Material '{materialId}' is not in the checklist of {type.Name}.");
        }

        if (UploadRefusal(snapshot, materialId) is { } refused)
        {
            return Problems.Conflict("upload-not-open", refused);
        }

        var mediaType = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed.MediaType.Value?.ToLowerInvariant() : null;
        if (mediaType is null || !requirement.AllowedContentTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase) || !ContentSniffer.IsKnown(mediaType))
        {
            return Problems.Create(StatusCodes.Status415UnsupportedMediaType, "content-type-not-allowed",
                $"'{request.ContentType}' is not allowed for this material.", extensions: new Dictionary<string, object?> { ["allowedContentTypes"] = requirement.AllowedContentTypes });
        }

        if (request.ContentLength > requirement.MaxBytes)
        {
            return TooLarge(requirement.MaxBytes);
        }

        // The per-material limit replaces the server-wide body limit for this request; it is enforced while streaming.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = requirement.MaxBytes + 1;
        }

        var fileName = FileNames.Sanitise(FileNameOf(request), materialId + Extension(mediaType));
        UploadOutcome outcome;
        CaseSnapshot committedOn = snapshot;
        try
        {
            outcome = await uploader.UploadAsync(snapshot, s =>
            {
                committedOn = s;
                return UploadRefusal(s, materialId);
            }, requirement, mediaType, fileName, request.Body, cancellationToken);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(requirement.MaxBytes);
        }

        switch (outcome)
        {
            case UploadOutcome.TooLarge t:
                return TooLarge(t.MaxBytes);
            case UploadOutcome.Refused r:
                return Problems.Conflict("upload-not-open", r.Reason);
            case UploadOutcome.Empty:
                return Problems.Create(StatusCodes.Status415UnsupportedMediaType, "content-empty", "The file is empty.");
            case UploadOutcome.ContentMismatch m:
                return Problems.Create(StatusCodes.Status415UnsupportedMediaType, "content-mismatch",
                    $"The file's content does not match its declared type {m.Declared}.", extensions: new Dictionary<string, object?> { ["detectedContentType"] = m.Detected });
        }

        var stored = ((UploadOutcome.Stored)outcome).Material;
        await journal.AppendAsync(id, snapshot.Case.Number, "upload:" + stored.BlobName, stored.UploadedAt, "MaterialUploaded",
            "applicant:" + user.Subject(), null,
            new Dictionary<string, string?> { ["materialId"] = materialId, ["version"] = stored.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), ["sha256"] = stored.Sha256, ["size"] = stored.Size.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            null, cancellationToken);

        // Tell every step waiting for this material, as the case stood when the record committed: one event per step,
        // with its request's id, to the instance on the step row (the case's; the orchestration keeps an upload that
        // arrives before it took the request).
        foreach (var step in SupplementRequests(committedOn, materialId))
        {
            await engine.RaiseEventAsync(step.InstanceId, EventNames.SupplementProvided,
                new SupplementProvidedEvent(step.SupplementRequestId ?? "", materialId, stored.Version), CancellationToken.None);
        }

        return TypedResults.Created($"/api/applications/{id}/materials/{materialId}",
            new MaterialStored(materialId, stored.FileName, stored.ContentType, stored.Size, stored.Sha256, stored.Version));
    }

    /// <summary>Why the case does not accept this material now, or null when it does: a draft takes any, a submitted case only what a step asked for.</summary>
    private static string? UploadRefusal(CaseSnapshot snapshot, string materialId) =>
        snapshot.Case.WithdrawalRequestedAt is not null ? "The application is being withdrawn; no material can be added."
        : snapshot.Case.Status == CaseStatus.Draft || SupplementRequests(snapshot, materialId).Count > 0 ? null
        : $"The application is {snapshot.Case.Status}; materials can only be changed in a draft or when a supplement is requested.";

    /// <summary>The steps waiting for this material (补正).</summary>
    private static List<DepartmentRow> SupplementRequests(CaseSnapshot snapshot, string materialId) =>
        snapshot.Departments
            .Where(d => d.Status == StepStatus.AwaitingSupplement && (Storage.StoredJson.Read<List<string>>(d.RequiredMaterialsJson) ?? []).Contains(materialId))
            .ToList();

    private static ProblemHttpResult TooLarge(long max) =>
        Problems.Create(StatusCodes.Status413PayloadTooLarge, "material-too-large", $"The file exceeds the limit of {max} bytes for this material.",
            extensions: new Dictionary<string, object?> { ["maxBytes"] = max });

    private static string? FileNameOf(HttpRequest request) =>
        ContentDispositionHeaderValue.TryParse(request.Headers.ContentDisposition.ToString(), out var cd)
            ? (cd.FileNameStar.HasValue ? cd.FileNameStar.Value : HeaderUtilities.RemoveQuotes(cd.FileName).Value)
            : null;

    private static string Extension(string mediaType) => mediaType switch
    {
        "application/pdf" => ".pdf",
        "image/png" => ".png",
        _ => ".jpg",
    };
}
