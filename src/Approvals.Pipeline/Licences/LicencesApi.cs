using System.Security.Claims;
using Approvals.Pipeline.Api;
using Approvals.Pipeline.Applicants;
using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Identity;
using Approvals.Pipeline.Storage;
using Approvals.Licensing.Licences;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Approvals.Pipeline.Licences;

/// <summary>The signed e-licence for its holder (JSON and PDF) and public verification.</summary>
internal static class LicencesApi
{
    /// <summary>The applicant's licence: the JWS and what it says.</summary>
    internal sealed record LicenceResponse(string LicenceNumber, string CaseNumber, string Jws, string KeyId, LicenceDocument? Document, string VerifyUrl, string PdfHref);

    /// <summary>Public verification: personal data masked.</summary>
    internal sealed record Verification(
        string LicenceNumber, bool Valid, string Status, string? LicenceTypeId, string? LicenceTypeName, HolderView? Holder,
        DateTimeOffset? IssuedAt, string? ValidFrom, string? ValidUntil, SignatureCheck Signature);

    internal sealed record HolderView(string Name, string IdNumber);

    internal sealed record SignatureCheck(bool Valid, string Algorithm, string? KeyId, string? Error);

    public static IEndpointRouteBuilder MapLicencesApi(this IEndpointRouteBuilder routes)
    {
        var applicant = routes.MapGroup("/api/applications/{id}").WithTags("Applicant").RequireAuthorization(Policies.Applicant);
        applicant.MapGet("/licence", GetLicence).WithName("GetLicence");
        applicant.MapGet("/licence.pdf", GetLicencePdf).WithName("GetLicencePdf").Produces(StatusCodes.Status200OK, contentType: "application/pdf");
        routes.MapGet("/api/public/licences/{licenceNumber}", Verify).WithTags("Public").WithName("VerifyLicence").AllowAnonymous();
        return routes;
    }

    public static async Task<Results<Ok<LicenceResponse>, ProblemHttpResult>> GetLicence(
        string id, ClaimsPrincipal user, CaseStore store, LicenceKeys keys, PublicUrls urls, CancellationToken cancellationToken)
    {
        var licence = await LoadOwnLicenceAsync(id, user, store, cancellationToken);
        if (licence is null)
        {
            return Problems.Create(StatusCodes.Status404NotFound, "licence-not-issued", "No licence has been issued for this application.");
        }

        using var verifier = await keys.VerifierAsync(cancellationToken);
        var document = verifier.Verify(licence.Jws).Document;
        return TypedResults.Ok(new LicenceResponse(licence.LicenceNumber, licence.CaseNumber, licence.Jws, licence.KeyId, document,
            urls.Verify(licence.LicenceNumber), $"/api/applications/{id}/licence.pdf"));
    }

    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> GetLicencePdf(
        string id, ClaimsPrincipal user, CaseStore store, PipelineStorage storage, CancellationToken cancellationToken)
    {
        var licence = await LoadOwnLicenceAsync(id, user, store, cancellationToken);
        if (licence is null)
        {
            return Problems.Create(StatusCodes.Status404NotFound, "licence-not-issued", "No licence has been issued for this application.");
        }

        if (licence.PdfBlob is null)
        {
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "licence-pdf-unavailable", "The PDF of this licence could not be rendered; the signed JSON licence is authoritative.");
        }

        var stream = await storage.LicenceFiles.GetBlobClient(licence.PdfBlob).OpenReadAsync(cancellationToken: cancellationToken);
        return TypedResults.File(stream, "application/pdf", licence.LicenceNumber + ".pdf");
    }

    public static async Task<Results<Ok<Verification>, ProblemHttpResult>> Verify(string licenceNumber, PipelineStorage storage, LicenceKeys keys, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!LicenceNumbers.IsValid(licenceNumber))
        {
            return Problems.Create(StatusCodes.Status404NotFound, "licence-unknown", "No such licence number (format or check character wrong).");
        }

        await storage.EnsureCreatedAsync(cancellationToken);
        var found = await storage.Licences.GetEntityIfExistsAsync<LicenceRow>(licenceNumber, LicenceRow.PublishedKeyOf(licenceNumber), cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value is null)
        {
            return Problems.Create(StatusCodes.Status404NotFound, "licence-unknown", "No licence with this number was issued.");
        }

        var row = found.Value;
        using var verifier = await keys.VerifierAsync(cancellationToken);
        var check = verifier.Verify(row.Jws);
        // The stored row must say what the signature says: a tampered row fails here, not only a tampered JWS.
        var consistent = check.Valid && check.Document is { } d && d.LicenceNumber == row.LicenceNumber;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var expired = check.Document is { } doc && doc.ValidUntil < today;
        var status = !consistent ? "Invalid" : row.Status != "Valid" ? row.Status : expired ? "Expired" : "Valid";
        // The kind comes from the signed id number; without a readable document the name is masked, as a person's would be.
        var holder = check.Document?.Holder is { } h
            ? new HolderView(ApplicantKinds.PublicName(h.Name, h.IdNumber), h.MaskedIdNumber)
            : new HolderView(ApplicantKinds.PublicName(row.HolderName, null), row.HolderIdMasked);
        return TypedResults.Ok(new Verification(row.LicenceNumber, status == "Valid", status, row.LicenceTypeId, row.LicenceTypeName, holder,
            row.IssuedAt, row.ValidFrom, row.ValidUntil, new SignatureCheck(consistent, "ES256", row.KeyId, consistent ? null : check.Error ?? "document does not match the licence number")));
    }

    private static async Task<LicenceRow?> LoadOwnLicenceAsync(string id, ClaimsPrincipal user, CaseStore store, CancellationToken cancellationToken)
    {
        var row = await store.GetCaseAsync(id, cancellationToken);
        if (row is null || row.ApplicantSubject != user.Subject() || row.LicenceNumber is null)
        {
            return null;
        }

        return await store.GetLicenceAsync(id, cancellationToken);
    }
}
