using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Storage;

/// <summary>
/// Unique sequence numbers (case numbers, licence numbers) from a counter row, reserved in blocks per host
/// (hi/lo): numbers are unique across hosts and restarts but may have gaps, which the numbering rules allow.
/// Blocks keep the counter row from becoming the one ETag every submission fights over.
/// </summary>
internal sealed class SequenceAllocator(PipelineStorage storage)
{
    private readonly ConcurrentDictionary<string, Block> _blocks = new(StringComparer.Ordinal);

    public async Task<int> NextAsync(string counter, int blockSize, CancellationToken cancellationToken)
    {
        var block = _blocks.GetOrAdd(counter, _ => new Block());
        await block.Gate.WaitAsync(cancellationToken);
        try
        {
            if (block.Next > block.Last)
            {
                var last = await ReserveAsync(counter, blockSize, cancellationToken);
                block.Next = last - blockSize + 1;
                block.Last = last;
            }

            return block.Next++;
        }
        finally
        {
            block.Gate.Release();
        }
    }

    private async Task<int> ReserveAsync(string counter, int blockSize, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var key = TableKeys.Escape(counter);
        while (true)
        {
            var found = await storage.Counters.GetEntityIfExistsAsync<TableEntity>(key, "", cancellationToken: cancellationToken);
            if (!found.HasValue || found.Value is null)
            {
                if (await storage.Counters.TryAddAsync(new TableEntity(key, "") { ["Value"] = blockSize }, cancellationToken))
                {
                    return blockSize;
                }

                continue;
            }

            var row = found.Value;
            var last = (row.GetInt32("Value") ?? 0) + blockSize;
            row["Value"] = last;
            try
            {
                await storage.Counters.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                return last;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Another host reserved a block at the same time; take the next one.
            }
        }
    }

    private sealed class Block
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public int Next { get; set; } = 1;

        public int Last { get; set; }
    }
}
