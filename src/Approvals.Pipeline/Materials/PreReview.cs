using Approvals.Pipeline.Cases;
using Approvals.Licensing.Catalogue;

namespace Approvals.Pipeline.Materials;

/// <summary>A required material that was never uploaded.</summary>
internal sealed record MissingMaterial(string MaterialId, string Name);

/// <summary>An uploaded material that does not satisfy the checklist, and why.</summary>
internal sealed record InvalidMaterial(string MaterialId, string Name, string Reason);

/// <summary>
/// Completeness check at submission against the pinned checklist. Reports everything missing or invalid at once
/// (一次性告知, 行政许可法 Art. 32): an applicant never learns about problems one round trip at a time.
/// </summary>
internal static class PreReview
{
    public static (IReadOnlyList<MissingMaterial> Missing, IReadOnlyList<InvalidMaterial> Invalid) Check(LicenceType type, CaseSnapshot snapshot)
    {
        var latest = snapshot.LatestMaterials().ToDictionary(m => m.MaterialId, StringComparer.Ordinal);
        var missing = type.Materials
            .Where(r => r.Required && !latest.ContainsKey(r.Id))
            .Select(r => new MissingMaterial(r.Id, r.Name))
            .ToList();
        var invalid = new List<InvalidMaterial>();
        foreach (var (id, m) in latest)
        {
            var requirement = type.FindMaterial(id);
            if (requirement is null)
            {
                invalid.Add(new InvalidMaterial(id, id, "not-in-checklist"));
            }
            else if (!requirement.AllowedContentTypes.Contains(m.ContentType, StringComparer.OrdinalIgnoreCase))
            {
                invalid.Add(new InvalidMaterial(id, requirement.Name, "content-type-not-allowed"));
            }
            else if (m.Size <= 0 || m.Size > requirement.MaxBytes)
            {
                invalid.Add(new InvalidMaterial(id, requirement.Name, m.Size <= 0 ? "empty" : "too-large"));
            }
        }

        return (missing, invalid);
    }
}
