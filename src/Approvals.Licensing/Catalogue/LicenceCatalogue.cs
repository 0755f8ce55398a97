using System.Reflection;

namespace Approvals.Licensing.Catalogue;

/// <summary>
/// The licence catalogue (事项目录): every licence type at every shipped version, and the department
/// directory. Data files are embedded in this assembly (<c>Catalogue/Data/*.json</c>) and validated
/// when loaded; an invalid catalogue never loads half-way.
/// </summary>
public sealed class LicenceCatalogue
{
    private const string ResourcePrefix = "Approvals.Licensing.Catalogue.Data.";
    private static readonly Lazy<LicenceCatalogue> Embedded = new(() => Load(ReadEmbedded()));
    private readonly Dictionary<string, List<LicenceType>> _versions;

    internal LicenceCatalogue(IReadOnlyList<Department> departments, IEnumerable<LicenceType> types)
    {
        Departments = departments;
        _versions = types
            .GroupBy(t => t.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(t => t.Version, VersionComparer.Instance).ToList(), StringComparer.Ordinal);
        All = _versions.Values.Select(v => v[^1]).OrderBy(t => t.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>The latest version of each licence type, ordered by id.</summary>
    public IReadOnlyList<LicenceType> All { get; }

    /// <summary>The department directory.</summary>
    public IReadOnlyList<Department> Departments { get; }

    /// <summary>The shipped catalogue (loaded and validated once per process).</summary>
    /// <exception cref="CatalogueValidationException">The shipped data is invalid.</exception>
    public static LicenceCatalogue LoadEmbedded() => Embedded.Value;

    /// <summary>
    /// Loads a catalogue from data files: department directory files (a top-level <c>departments</c>
    /// array) and licence type files (one type per file). Every error of every file is reported at once.
    /// </summary>
    /// <exception cref="CatalogueValidationException">Any file is invalid.</exception>
    public static LicenceCatalogue Load(IEnumerable<(string source, string json)> files) => CatalogueLoader.Load(files);

    /// <summary>Loads a catalogue, checking jurisdictions against <paramref name="calendars"/> instead of the shipped calendars.</summary>
    /// <exception cref="CatalogueValidationException">Any file is invalid.</exception>
    public static LicenceCatalogue Load(IEnumerable<(string source, string json)> files, Calendar.CalendarRegistry calendars) => CatalogueLoader.Load(files, calendars);

    /// <summary>The latest version of a licence type, or null.</summary>
    public LicenceType? Find(string id) =>
        _versions.TryGetValue(id, out var list) ? list[^1] : null;

    /// <summary>A licence type at an exact version (the version a case pinned), or null.</summary>
    public LicenceType? Find(string id, string version) =>
        _versions.TryGetValue(id, out var list)
            ? list.FirstOrDefault(t => string.Equals(t.Version, version, StringComparison.Ordinal))
            : null;

    /// <summary>Every version of a licence type, oldest first (empty when unknown).</summary>
    public IReadOnlyList<LicenceType> Versions(string id) =>
        _versions.TryGetValue(id, out var list) ? list : [];

    /// <summary>A department of the directory, or null.</summary>
    public Department? FindDepartment(string id) =>
        Departments.FirstOrDefault(d => string.Equals(d.Id, id, StringComparison.Ordinal));

    private static List<(string, string)> ReadEmbedded()
    {
        var assembly = typeof(LicenceCatalogue).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => (n[ResourcePrefix.Length..], ReadResource(assembly, n)))
            .ToList();
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
