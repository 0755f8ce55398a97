using System.Text.Json;
using System.Text.RegularExpressions;
using Approvals.Licensing.Calendar;

namespace Approvals.Licensing.Catalogue;

/// <summary>
/// Parses catalogue data files and validates them as a whole. Nothing loads unless everything is
/// valid, and every problem is reported in one <see cref="CatalogueValidationException"/>.
/// </summary>
internal static partial class CatalogueLoader
{
    internal const string DirectoryKind = "department-directory";
    internal const string LicenceTypeKind = "licence-type";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static LicenceCatalogue Load(IEnumerable<(string source, string json)> files, CalendarRegistry? calendars = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        var errors = new List<string>();
        var directoryFiles = new List<(string Source, CatalogueFileDto Dto)>();
        var typeFiles = new List<(string Source, CatalogueFileDto Dto)>();
        foreach (var (source, json) in files)
        {
            CatalogueFileDto? dto = null;
            try
            {
                dto = JsonSerializer.Deserialize<CatalogueFileDto>(json, Options);
            }
            catch (JsonException ex)
            {
                errors.Add($"{source}: not valid JSON: {ex.Message}");
            }

            switch (dto?.Kind)
            {
                case null when dto is null:
                    break;
                case DirectoryKind:
                    directoryFiles.Add((source, dto));
                    break;
                case LicenceTypeKind:
                    typeFiles.Add((source, dto));
                    break;
                default:
                    errors.Add($"{source}: 'kind' must be \"{DirectoryKind}\" or \"{LicenceTypeKind}\", not '{dto.Kind}'.");
                    break;
            }
        }

        var departments = ReadDirectory(directoryFiles, errors);
        var jurisdictions = (calendars ?? CalendarRegistry.LoadEmbedded()).All
            .Select(c => c.Jurisdiction)
            .ToHashSet(StringComparer.Ordinal);
        var types = typeFiles
            .Select(f => LicenceTypeValidator.Read(f.Source, f.Dto, departments, jurisdictions, errors))
            .OfType<(string Source, LicenceType Type)>()
            .ToList();
        CheckAcrossTypes(types, errors);
        if (errors.Count > 0)
        {
            throw new CatalogueValidationException(errors);
        }

        return new LicenceCatalogue(departments.Values.OrderBy(d => d.Id, StringComparer.Ordinal).ToList(), types.Select(t => t.Type));
    }

    private static Dictionary<string, Department> ReadDirectory(List<(string Source, CatalogueFileDto Dto)> files, List<string> errors)
    {
        var result = new Dictionary<string, Department>(StringComparer.Ordinal);
        if (files.Count == 0)
        {
            errors.Add($"catalogue: no \"{DirectoryKind}\" file; every department must be listed in the directory.");
        }

        foreach (var (source, dto) in files)
        {
            if (dto.Departments is null || dto.Departments.Count == 0)
            {
                errors.Add($"{source}: 'departments' must list at least one department.");
                continue;
            }

            for (var i = 0; i < dto.Departments.Count; i++)
            {
                var d = dto.Departments[i];
                var at = $"{source} departments[{i}]";
                if (d.Id is null || !IdPattern().IsMatch(d.Id))
                {
                    errors.Add($"{at}.id: '{d.Id}' must be lowercase letters, digits and dashes.");
                    continue;
                }

                if (string.IsNullOrWhiteSpace(d.Name))
                {
                    errors.Add($"{at}.name: department '{d.Id}' needs a name.");
                }

                if (!result.TryAdd(d.Id, new Department(d.Id, d.Name ?? "")))
                {
                    errors.Add($"{at}.id: duplicate department id '{d.Id}'.");
                }
            }
        }

        return result;
    }

    private static void CheckAcrossTypes(List<(string Source, LicenceType Type)> types, List<string> errors)
    {
        foreach (var dup in types.GroupBy(t => (t.Type.Id, t.Type.Version)).Where(g => g.Count() > 1))
        {
            errors.Add($"licence type {dup.Key.Id} version {dup.Key.Version}: duplicate definition in {string.Join(", ", dup.Select(d => d.Source))}.");
        }

        // Case and licence numbers carry the code, so one code must name one licence type.
        foreach (var clash in types.GroupBy(t => t.Type.Code, StringComparer.Ordinal).Where(g => g.Select(t => t.Type.Id).Distinct().Count() > 1))
        {
            errors.Add($"code {clash.Key}: used by several licence types ({string.Join(", ", clash.Select(t => t.Type.Id).Distinct())}); a code must identify one type.");
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    internal static partial Regex IdPattern();
}
