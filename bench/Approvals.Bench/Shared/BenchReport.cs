using System.Globalization;
using System.Text;

namespace Approvals.Bench.Shared;

/// <summary>One line of a benchmark table.</summary>
/// <param name="Scenario">What was measured.</param>
/// <param name="Target">The target, as text.</param>
/// <param name="Measured">The figure, as text.</param>
/// <param name="Storage">Storage requests, normalised per activity or instance.</param>
/// <param name="Pass">Whether the target was met; null when the row has no target or the run failed.</param>
internal sealed record BenchRow(string Scenario, string Target, string Measured, string Storage, bool? Pass)
{
    public string PassText => Pass switch { true => "pass", false => "**FAIL**", null => "–" };
}

/// <summary>Renders benchmark rows as a markdown table and writes it, with the machine and any notes, to artifacts/.</summary>
internal static class BenchReport
{
    public static string Table(IEnumerable<BenchRow> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| scenario | target | measured | storage requests | pass |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var r in rows)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Scenario} | {r.Target} | {r.Measured} | {r.Storage} | {r.PassText} |");
        }

        return sb.ToString();
    }

    /// <summary>Writes <c>artifacts/{fileName}</c> at the repository root (git-ignored); returns its path.</summary>
    public static async Task<string> WriteAsync(string fileName, string title, IEnumerable<BenchRow> rows, IEnumerable<string> notes, CancellationToken ct)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# {title}");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC · {Machine.Describe()}");
        sb.AppendLine();
        sb.Append(Table(rows));
        foreach (var note in notes)
        {
            sb.AppendLine();
            sb.AppendLine(note);
        }

        var dir = Path.Combine(Machine.RepositoryRoot(), "artifacts");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, fileName);
        await File.WriteAllTextAsync(path, sb.ToString(), ct);
        return path;
    }
}
