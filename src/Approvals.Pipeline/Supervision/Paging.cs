using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Supervision;

/// <summary>A page of results and the token for the next one (null on the last page).</summary>
internal sealed record Page<T>(IReadOnlyList<T> Items, string? ContinuationToken);

/// <summary>
/// Keyset paging over one partition: the continuation token is the last row key served (base64url), and the next
/// page reads rows after it. The token reveals nothing but a row key and cannot widen the query beyond the partition.
/// </summary>
internal static class Paging
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    /// <summary>Row keys that sort newest first.</summary>
    public static string Newest(DateTimeOffset at) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    public static bool TryReadToken(string? token, out string? afterRowKey)
    {
        afterRowKey = null;
        if (string.IsNullOrEmpty(token))
        {
            return true;
        }

        if (token.Length > 2048 || !Base64Url.IsValid(token))
        {
            return false;
        }

        afterRowKey = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        return afterRowKey.Length > 0;
    }

    public static string Token(string rowKey) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(rowKey));

    /// <summary>Reads up to <paramref name="pageSize"/> rows of the partition after the token's row key (and before <paramref name="endRowKey"/>).</summary>
    public static async Task<Page<T>> ReadAsync<T>(TableClient table, string partition, string? afterRowKey, string endRowKey, string? extraFilter, int pageSize, CancellationToken cancellationToken)
        where T : class, Azure.Data.Tables.ITableEntity, new()
    {
        var filter = afterRowKey is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey lt {endRowKey}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {afterRowKey} and RowKey lt {endRowKey}");
        if (extraFilter is not null)
        {
            filter += " and " + extraFilter;
        }

        var items = new List<T>(pageSize + 1);
        await foreach (var row in table.QueryAsync<T>(filter, maxPerPage: pageSize + 1, cancellationToken: cancellationToken))
        {
            items.Add(row);
            if (items.Count > pageSize)
            {
                break;
            }
        }

        if (items.Count <= pageSize)
        {
            return new Page<T>(items, null);
        }

        items.RemoveAt(pageSize);
        return new Page<T>(items, Token(items[^1].RowKey));
    }
}
