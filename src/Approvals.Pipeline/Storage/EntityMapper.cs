using System.Collections.Concurrent;
using System.Reflection;
using Azure;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Storage;

/// <summary>
/// Turns a dynamic <see cref="TableEntity"/> into a typed row. A case partition holds rows of several kinds and is
/// read in one query (one round-trip), so rows arrive untyped and are mapped here by row-key prefix.
/// </summary>
internal static class EntityMapper
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();

    public static T To<T>(TableEntity source) where T : class, ITableEntity, new()
    {
        var target = new T
        {
            PartitionKey = source.PartitionKey,
            RowKey = source.RowKey,
            Timestamp = source.Timestamp,
            ETag = source.ETag,
        };
        foreach (var p in Properties.GetOrAdd(typeof(T), t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToArray()))
        {
            if (p.Name is nameof(ITableEntity.PartitionKey) or nameof(ITableEntity.RowKey) or nameof(ITableEntity.Timestamp) or nameof(ITableEntity.ETag)
                || !source.TryGetValue(p.Name, out var value) || value is null)
            {
                continue;
            }

            p.SetValue(target, Convert(value, p.PropertyType));
        }

        return target;
    }

    private static object? Convert(object value, Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return value switch
        {
            _ when t.IsInstanceOfType(value) => value,
            DateTime dt when t == typeof(DateTimeOffset) => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
            DateTimeOffset dto when t == typeof(DateTime) => dto.UtcDateTime,
            long l when t == typeof(int) => (int)l,
            int i when t == typeof(long) => (long)i,
            string s when t == typeof(ETag) => new ETag(s),
            _ => System.Convert.ChangeType(value, t, System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
