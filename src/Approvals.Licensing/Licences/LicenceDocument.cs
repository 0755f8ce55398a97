namespace Approvals.Licensing.Licences;

/// <summary>The content of an e-licence (电子证照); this is exactly what is signed.</summary>
/// <param name="LicenceNumber">The licence number (see <see cref="LicenceNumbers"/>).</param>
/// <param name="CaseNumber">The case number the licence was issued in.</param>
/// <param name="LicenceTypeId">Catalogue id of the licence type.</param>
/// <param name="LicenceTypeName">Name of the licence type, e.g. 食品经营许可证.</param>
/// <param name="Holder">The licence holder.</param>
/// <param name="Scope">What the licence permits (许可范围 / 经营项目).</param>
/// <param name="IssuedAt">When it was issued.</param>
/// <param name="ValidFrom">First valid day.</param>
/// <param name="ValidUntil">Last valid day (inclusive).</param>
/// <param name="IssuingDepartments">Names of the issuing departments (发证机关), lead first.</param>
public sealed record LicenceDocument(
    string LicenceNumber,
    string CaseNumber,
    string LicenceTypeId,
    string LicenceTypeName,
    LicenceHolder Holder,
    string Scope,
    DateTimeOffset IssuedAt,
    DateOnly ValidFrom,
    DateOnly ValidUntil,
    IReadOnlyList<string> IssuingDepartments);

/// <summary>The holder of a licence.</summary>
/// <param name="Name">Name of the enterprise or person.</param>
/// <param name="IdNumber">Unified social credit code (统一社会信用代码) or ID card number.</param>
public sealed record LicenceHolder(string Name, string IdNumber)
{
    /// <summary>
    /// The id number with the middle masked (first 4 and last 4 characters kept; shorter numbers keep
    /// only the last character), for the PDF and the public register: personal data is masked wherever
    /// it is not needed.
    /// </summary>
    public string MaskedIdNumber => Mask(IdNumber);

    internal static string Mask(string id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return "";
        }

        if (id.Length <= 8)
        {
            return new string('*', id.Length - 1) + id[^1];
        }

        return string.Concat(id.AsSpan(0, 4), new string('*', id.Length - 8), id.AsSpan(id.Length - 4));
    }
}
