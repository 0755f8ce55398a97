using System.Reflection;

namespace Approvals.Licensing.Calendar;

/// <summary>
/// Every shipped working-day calendar, by jurisdiction and version. Calendars are data files embedded
/// in this assembly (<c>Calendar/Data/*.json</c>); a case pins the version it started with so that a
/// later correction of the data never moves the due date of a running case.
/// </summary>
public sealed class CalendarRegistry
{
    private const string ResourcePrefix = "Approvals.Licensing.Calendar.Data.";
    private static readonly Lazy<CalendarRegistry> Embedded = new(() => Load(ReadEmbedded()));
    private readonly Dictionary<string, List<WorkingCalendar>> _byJurisdiction;

    private CalendarRegistry(IEnumerable<WorkingCalendar> calendars)
    {
        _byJurisdiction = calendars
            .GroupBy(c => c.Jurisdiction, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(
                g => g.Key,
                g => g.OrderBy(c => c.Version, VersionComparer.Instance).ToList(),
                StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>All calendars, oldest version first within each jurisdiction.</summary>
    public IReadOnlyList<WorkingCalendar> All => _byJurisdiction.Values.SelectMany(v => v).ToList();

    /// <summary>The calendars shipped with the library (loaded and validated once per process).</summary>
    public static CalendarRegistry LoadEmbedded() => Embedded.Value;

    /// <summary>Loads calendars from JSON data files; every error of every file is reported at once.</summary>
    /// <exception cref="CalendarDataException">A file is invalid.</exception>
    public static CalendarRegistry Load(IEnumerable<(string source, string json)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var errors = new List<string>();
        var calendars = new List<WorkingCalendar>();
        foreach (var (source, json) in files)
        {
            var calendar = CalendarFile.Parse(source, json, errors);
            if (calendar is not null)
            {
                calendars.Add(calendar);
            }
        }

        foreach (var dup in calendars.GroupBy(c => (c.Jurisdiction.ToUpperInvariant(), c.Version)).Where(g => g.Count() > 1))
        {
            errors.Add($"calendar {dup.Key.Item1} version {dup.Key.Version}: defined {dup.Count()} times.");
        }

        if (errors.Count > 0)
        {
            throw new CalendarDataException(errors);
        }

        return new CalendarRegistry(calendars);
    }

    /// <summary>The calendar of <paramref name="jurisdiction"/> at <paramref name="version"/>, or the latest when null.</summary>
    /// <exception cref="KeyNotFoundException">No such jurisdiction or version.</exception>
    public WorkingCalendar Get(string jurisdiction, string? version = null)
    {
        if (!_byJurisdiction.TryGetValue(jurisdiction, out var list))
        {
            throw new KeyNotFoundException($"No working-day calendar for jurisdiction '{jurisdiction}'.");
        }

        if (version is null)
        {
            return list[^1];
        }

        return list.FirstOrDefault(c => string.Equals(c.Version, version, StringComparison.Ordinal))
            ?? throw new KeyNotFoundException($"No working-day calendar '{jurisdiction}' version '{version}'.");
    }

    /// <summary>The latest calendar version of <paramref name="jurisdiction"/>.</summary>
    public WorkingCalendar Latest(string jurisdiction) => Get(jurisdiction);

    private static List<(string, string)> ReadEmbedded()
    {
        var assembly = typeof(CalendarRegistry).Assembly;
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
