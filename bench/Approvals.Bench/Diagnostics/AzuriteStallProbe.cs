using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace Approvals.Bench.Diagnostics;

/// <summary>
/// Makes one cheap request to a storage service every <c>interval</c> on a client of its own (a missing entity's
/// point read, or the first page of the queue list), to tell the emulator's stalls from the pipeline's slow moments:
/// each Azurite process serves its requests on one Node thread, and work such as the in-memory queue store's
/// garbage collection (every 60 s) holds that thread for as long as it runs. A probe slower than the threshold
/// counts as a stall.
/// </summary>
internal sealed class AzuriteStallProbe : IAsyncDisposable
{
    private readonly List<double> _slowMs = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly double _thresholdMs;
    private readonly Task _loop;

    private AzuriteStallProbe(Func<Task> setUp, Func<Task> probe, TimeSpan interval, double thresholdMs)
    {
        _thresholdMs = thresholdMs;
        _loop = Task.Run(async () =>
        {
            using var _ = StorageCallRecorder.Observing();
            await setUp();
            while (!_stop.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                await probe();
                var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (ms >= _thresholdMs)
                {
                    lock (_slowMs)
                    {
                        _slowMs.Add(ms);
                    }
                }

                await Task.Delay(interval, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });
    }

    /// <summary>Starts probing the table service of <paramref name="connectionString"/> (a client of its own, not the app's).</summary>
    public static AzuriteStallProbe Tables(string connectionString, TimeSpan interval, double thresholdMs)
    {
        var table = new TableServiceClient(connectionString).GetTableClient("benchstallprobe");
        return new(() => table.CreateIfNotExistsAsync(), () => table.GetEntityIfExistsAsync<TableEntity>("probe", "none"), interval, thresholdMs);
    }

    /// <summary>Starts probing the queue service of <paramref name="connectionString"/>: the queue list, which reads no messages.</summary>
    public static AzuriteStallProbe Queues(string connectionString, TimeSpan interval, double thresholdMs)
    {
        var queues = new QueueServiceClient(connectionString);
        return new(() => Task.CompletedTask, async () =>
        {
            await foreach (var _ in queues.GetQueuesAsync().AsPages(pageSizeHint: 1))
            {
                break;
            }
        }, interval, thresholdMs);
    }

    /// <summary>Stops probing; the stalls seen (reads at or over the threshold), in ms.</summary>
    public async Task<IReadOnlyList<double>> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        lock (_slowMs)
        {
            return [.. _slowMs];
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }
}
