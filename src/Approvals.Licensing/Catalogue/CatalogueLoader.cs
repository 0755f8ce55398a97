namespace Approvals.Licensing.Catalogue;

/// <summary>Parses and validates catalogue data files.</summary>
internal static class CatalogueLoader
{
    public static LicenceCatalogue Load(IEnumerable<(string source, string json)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        throw new NotImplementedException();
    }
}
