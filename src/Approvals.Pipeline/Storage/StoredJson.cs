using System.Text.Json;
using System.Text.Json.Serialization;

namespace Approvals.Pipeline.Storage;

/// <summary>The JSON settings for values kept inside table properties (lists, clock events, applicant details).</summary>
internal static class StoredJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T? Read<T>(string? json) => string.IsNullOrEmpty(json) ? default : JsonSerializer.Deserialize<T>(json, Options);
}
