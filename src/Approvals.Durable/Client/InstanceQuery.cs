using System.Runtime.CompilerServices;
using Approvals.Durable.Storage;
using Azure;
using Azure.Data.Tables;

namespace Approvals.Durable.Client;

internal sealed partial class AzureStorageDurableTaskClient
{
    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null)
        => new InstancePages(engine.Hub, Store, filter ?? new OrchestrationQuery());

    /// <summary>
    /// Pages over the status rows partition by partition. Each page is one key-range query on <c>S|{prefix}</c>
    /// (the status rows are the index); status and creation-time filters are applied by the table service inside
    /// that range. The continuation token is <c>{partition}:{table token}</c>.
    /// </summary>
    private sealed class InstancePages(TaskHub hub, InstanceStore store, OrchestrationQuery query) : AsyncPageable<OrchestrationMetadata>
    {
        public override async IAsyncEnumerable<Page<OrchestrationMetadata>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
        {
            await hub.EnsureCreatedAsync(CancellationToken);
            var (start, token) = Parse(continuationToken);
            var prefix = "S|" + Keys.Escape(query.InstanceIdPrefix ?? "");
            var filter = Filter();
            for (var p = start; p < hub.PartitionCount; p++)
            {
                var rows = store.RangeAsync(p, prefix.Length == 2 ? "S|" : prefix, CancellationToken, filter, pageSizeHint ?? query.PageSize);
                await foreach (var page in rows.AsPages(token, pageSizeHint ?? query.PageSize))
                {
                    var items = new List<OrchestrationMetadata>(page.Values.Count);
                    foreach (var row in page.Values)
                    {
                        var state = await InstanceState.FromEntityAsync(row, hub.Payloads, query.FetchInputsAndOutputs, CancellationToken);
                        items.Add(state.ToMetadata(query.FetchInputsAndOutputs));
                    }

                    var next = page.ContinuationToken is { } t ? $"{p}:{t}" : p + 1 < hub.PartitionCount ? $"{p + 1}:" : null;
                    if (items.Count > 0 || next is null)
                    {
                        yield return Page<OrchestrationMetadata>.FromValues(items, next, null!);
                    }
                }

                token = null;
            }
        }

        private static (int Partition, string? Token) Parse(string? continuation)
        {
            if (string.IsNullOrEmpty(continuation))
            {
                return (0, null);
            }

            var i = continuation.IndexOf(':', StringComparison.Ordinal);
            var token = continuation[(i + 1)..];
            return (int.Parse(continuation[..i], System.Globalization.CultureInfo.InvariantCulture), token.Length == 0 ? null : token);
        }

        private string? Filter()
        {
            var parts = new List<string>();
            if (query.Statuses is { Count: > 0 } statuses)
            {
                parts.Add("(" + string.Join(" or ", statuses.Select(s => TableClient.CreateQueryFilter($"Status eq {s.ToString()}"))) + ")");
            }

            if (query.CreatedFrom is { } from)
            {
                parts.Add(TableClient.CreateQueryFilter($"Created ge {from}"));
            }

            if (query.CreatedTo is { } to)
            {
                parts.Add(TableClient.CreateQueryFilter($"Created lt {to}"));
            }

            return parts.Count == 0 ? null : string.Join(" and ", parts);
        }
    }
}
