using System.Text.Json;

namespace Approvals.Pipeline.Hosting;

/// <summary>
/// Reads <c>local.settings.json</c> in the Azure Functions shape (<c>{"IsEncrypted":false,"Values":{…}}</c>)
/// the way the Functions host does: every value becomes configuration, with <c>__</c> as the section separator.
/// Environment variables still win, so the same binary runs locally and in Azure.
/// </summary>
internal static class LocalSettings
{
    public const string FileName = "local.settings.json";

    public static void AddLocalSettings(this IHostApplicationBuilder builder)
    {
        var path = FindFile(builder.Environment.ContentRootPath);
        if (path is null)
        {
            return;
        }

        var values = Read(path);
        // Insert before environment variables so that they override the file, as in Azure Functions.
        // ConfigurationManager rebuilds its providers when its source list changes.
        var sources = builder.Configuration.Sources;
        var envIndex = sources.ToList().FindIndex(s => s is Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource);
        var memory = new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = values };
        if (envIndex < 0)
        {
            sources.Add(memory);
        }
        else
        {
            sources.Insert(envIndex, memory);
        }
    }

    /// <summary>Parses the file; keys use <c>__</c> or <c>:</c> as separators.</summary>
    public static Dictionary<string, string?> Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var doc = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (doc.RootElement.TryGetProperty("IsEncrypted", out var enc) && enc.ValueKind == JsonValueKind.True)
        {
            throw new InvalidOperationException($"{path}: encrypted local settings are not supported; set IsEncrypted to false.");
        }

        if (!doc.RootElement.TryGetProperty("Values", out var vals) || vals.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidOperationException($"{path}: expected an object property \"Values\" as in the Azure Functions local.settings.json shape.");
        }

        foreach (var prop in vals.EnumerateObject())
        {
            result[prop.Name.Replace("__", ":", StringComparison.Ordinal)] =
                prop.Value.ValueKind == JsonValueKind.String ? prop.Value.GetString() : prop.Value.GetRawText();
        }

        return result;
    }

    private static string? FindFile(string contentRoot)
    {
        // dotnet run sets the content root to the project folder; the file lives at the repository root.
        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }

            if (File.Exists(Path.Combine(dir.FullName, "Approvals.sln")))
            {
                break;
            }
        }

        return null;
    }
}
