using System.Text.Json;

namespace Approvals.Pipeline.Applicants;

/// <summary>Body of <c>POST /api/applications</c>.</summary>
internal sealed record CreateDraftRequest(string? LicenceTypeId, ApplicantRequest? Applicant, JsonElement? Form);

/// <summary>The applicant as stated in the draft.</summary>
internal sealed record ApplicantRequest(string? Name, string? IdNumber, string? Phone, string? Email);

/// <summary>Answer of <c>POST /api/applications</c>.</summary>
internal sealed record DraftCreated(string Id, string Number, string Status);

/// <summary>Body of <c>POST /api/applications/{id}/complaints</c>.</summary>
internal sealed record ComplaintRequest(string? Text);

/// <summary>Answer of <c>POST /api/applications/{id}/withdraw</c>.</summary>
internal sealed record WithdrawalAccepted(string Id, string Status, bool WithdrawalRequested);

/// <summary>One line of the applicant's own case list.</summary>
internal sealed record CaseSummary(string Id, string Number, string LicenceTypeId, DateTimeOffset CreatedAt);
