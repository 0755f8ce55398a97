using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Approvals.Pipeline.Supervision;

/// <summary>
/// The canonical encoding and hash of a timeline entry. The hash covers the stored strings exactly as they are kept
/// in the table, so anyone holding the rows can recompute it without this code:
/// <c>hash = hex(SHA-256(ns("approvals-timeline-v1") ns(seq) ns(at) ns(type) ns(actor) ns(department) ns(details) ns(clock) ns(prevHash)))</c>
/// where <c>ns(s)</c> is the netstring <c>{byte length of UTF-8 s}:{UTF-8 s},</c> (length-prefixed, so no field can
/// bleed into the next), absent department/clock are empty strings, <c>at</c> is UTC <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>
/// and <c>details</c>/<c>clock</c> are compact JSON with sorted / fixed property order.
/// The first entry's <c>prevHash</c> is <see cref="Genesis"/> of the case id, which binds a chain to its case.
/// </summary>
internal static class TimelineHash
{
    private const string Domain = "approvals-timeline-v1";

    private static readonly JsonWriterOptions Compact = new()
    {
        Indented = false,
        // Stored JSON stays readable (Chinese text unescaped); it is never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Genesis(string caseId) => Hex(SHA256.HashData(Encoding.UTF8.GetBytes("genesis:" + caseId)));

    public static string FormatAt(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static string Compute(long seq, string at, string type, string actor, string? department, string details, string? clock, string prevHash)
    {
        var buffer = new StringBuilder(256);
        foreach (var field in new[] { Domain, seq.ToString(CultureInfo.InvariantCulture), at, type, actor, department ?? string.Empty, details, clock ?? string.Empty, prevHash })
        {
            buffer.Append(Encoding.UTF8.GetByteCount(field).ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append(',');
        }

        return Hex(SHA256.HashData(Encoding.UTF8.GetBytes(buffer.ToString())));
    }

    /// <summary>Details as compact JSON, keys in ordinal order (the same dictionary always gives the same string).</summary>
    public static string DetailsJson(IReadOnlyDictionary<string, string?>? details)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, Compact))
        {
            w.WriteStartObject();
            foreach (var (key, value) in (details ?? new Dictionary<string, string?>()).OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The clock as compact JSON in a fixed property order, or null.</summary>
    public static string? ClockJson(TimelineClock? clock)
    {
        if (clock is null)
        {
            return null;
        }

        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, Compact))
        {
            w.WriteStartObject();
            w.WriteString("status", clock.Status);
            w.WriteString("dueDate", clock.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteNumber("workingDaysUsed", clock.WorkingDaysUsed);
            w.WriteNumber("limitWorkingDays", clock.LimitWorkingDays);
            w.WriteString("pausedFor", clock.PausedFor);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static IReadOnlyDictionary<string, string?> ParseDetails(string? json)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(json))
        {
            return result;
        }

        using var doc = JsonDocument.Parse(json);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            result[p.Name] = p.Value.ValueKind == JsonValueKind.Null ? null : p.Value.ToString();
        }

        return result;
    }

    public static TimelineClock? ParseClock(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        using var doc = JsonDocument.Parse(json);
        var r = doc.RootElement;
        var due = r.GetProperty("dueDate");
        var paused = r.GetProperty("pausedFor");
        return new TimelineClock(
            r.GetProperty("status").GetString() ?? string.Empty,
            due.ValueKind == JsonValueKind.Null ? null : DateOnly.ParseExact(due.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            r.GetProperty("workingDaysUsed").GetInt32(),
            r.GetProperty("limitWorkingDays").GetInt32(),
            paused.ValueKind == JsonValueKind.Null ? null : paused.GetString());
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
