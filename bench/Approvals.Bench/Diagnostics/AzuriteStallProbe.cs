using System.Diagnostics;
using Azure.Data.Tables;

namespace Approvals.Bench.Diagnostics;

/// <summary>
/// Reads one missing entity from a side table every <c>interval</c> on the observer's connection, to tell the
/// engine's slow moments from Azurite's own: Azurite (Loki persistence) re-serialises its whole table database
/// every 5 s and serves nothing meanwhile. A slow sample that overlaps a slow probe read was stalled by Azurite.
/// </summary>
internal sealed class AzuriteStallProbe : IAsyncDisposable
{
    private readonly List<(long Start, long End)> _reads = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private AzuriteStallProbe(TableClient table, TimeSpan interval)
    {
        _loop = Task.Run(async () =>
        {
            using var _ = StorageCallRecorder.Observing();
            while (!_stop.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                await table.GetEntityIfExistsAsync<TableEntity>("probe", "none", cancellationToken: CancellationToken.None);
                lock (_reads)
                {
                    _reads.Add((start, Stopwatch.GetTimestamp()));
                }

                await Task.Delay(interval, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });
    }

    public static AzuriteStallProbe Start(TableClient table, TimeSpan interval) => new(table, interval);

    /// <summary>Probe read times in ms.</summary>
    public IReadOnlyCollection<double> ReadMs()
    {
        lock (_reads)
        {
            return _reads.Select(r => Stopwatch.GetElapsedTime(r.Start, r.End).TotalMilliseconds).ToList();
        }
    }

    /// <summary>True when a probe read slower than <paramref name="slowMs"/> overlapped [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public bool StalledDuring(long from, long to, double slowMs)
    {
        lock (_reads)
        {
            return _reads.Any(r => r.Start < to && r.End > from && Stopwatch.GetElapsedTime(r.Start, r.End).TotalMilliseconds > slowMs);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
