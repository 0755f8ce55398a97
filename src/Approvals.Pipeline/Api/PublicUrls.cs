namespace Approvals.Pipeline.Api;

/// <summary>Absolute URLs given to the outside (QR codes, webhooks), from <c>Approvals:PublicBaseUrl</c>.</summary>
internal sealed class PublicUrls(IConfiguration configuration)
{
    public string BaseUrl { get; } = configuration["Approvals:PublicBaseUrl"] is { Length: > 0 } b ? b.TrimEnd('/') : "http://localhost:7071";

    public string Verify(string licenceNumber) => $"{BaseUrl}/api/public/licences/{Uri.EscapeDataString(licenceNumber)}";

    public string Decision(string caseId, string departmentId) => $"{BaseUrl}/api/applications/{caseId}/departments/{departmentId}/decision";
}
