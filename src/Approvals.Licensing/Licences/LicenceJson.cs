using System.Text.Json;
using System.Text.Json.Serialization;

namespace Approvals.Licensing.Licences;

/// <summary>
/// The JSON form of a licence document inside the JWS. A separate wire type keeps the signed format
/// stable when the C# record grows, and carries a format marker so verifiers can refuse what they do
/// not understand.
/// </summary>
internal static class LicenceJson
{
    public const string Format = "approvals.licence/1";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static byte[] Serialize(LicenceDocument doc) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new Wire(
                Format,
                doc.LicenceNumber,
                doc.CaseNumber,
                doc.LicenceTypeId,
                doc.LicenceTypeName,
                new WireHolder(doc.Holder.Name, doc.Holder.IdNumber),
                doc.Scope,
                doc.IssuedAt,
                doc.ValidFrom,
                doc.ValidUntil,
                [.. doc.IssuingDepartments]),
            Options);

    /// <summary>Reads a payload; null when it is not a licence document of a known format.</summary>
    public static LicenceDocument? TryDeserialize(byte[] json, out string? error)
    {
        Wire? w;
        try
        {
            w = JsonSerializer.Deserialize<Wire>(json, Options);
        }
        catch (JsonException ex)
        {
            error = $"payload is not a licence document: {ex.Message}";
            return null;
        }

        if (w is null || !string.Equals(w.Format, Format, StringComparison.Ordinal))
        {
            error = $"payload format '{w?.Format}' is not {Format}.";
            return null;
        }

        if (w.LicenceNumber is null || w.CaseNumber is null || w.LicenceTypeId is null || w.LicenceTypeName is null
            || w.Holder?.Name is null || w.Holder.IdNumber is null || w.Scope is null || w.IssuingDepartments is null)
        {
            error = "payload lacks required licence fields.";
            return null;
        }

        error = null;
        return new LicenceDocument(
            w.LicenceNumber,
            w.CaseNumber,
            w.LicenceTypeId,
            w.LicenceTypeName,
            new LicenceHolder(w.Holder.Name, w.Holder.IdNumber),
            w.Scope,
            w.IssuedAt,
            w.ValidFrom,
            w.ValidUntil,
            w.IssuingDepartments);
    }

    private sealed record Wire(
        string? Format,
        string? LicenceNumber,
        string? CaseNumber,
        string? LicenceTypeId,
        string? LicenceTypeName,
        WireHolder? Holder,
        string? Scope,
        DateTimeOffset IssuedAt,
        DateOnly ValidFrom,
        DateOnly ValidUntil,
        List<string>? IssuingDepartments);

    private sealed record WireHolder(string? Name, string? IdNumber);
}
