using System.Diagnostics;
using System.Globalization;

namespace Approvals.Bench.Shared;

/// <summary>Timestamped progress lines, so a long run shows it is alive.</summary>
internal sealed class Progress(string scope)
{
    private static readonly Stopwatch Since = Stopwatch.StartNew();

    public void Say(string message)
        => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{Since.Elapsed.TotalSeconds,6:0.0}s] {scope,-8} {message}"));

    /// <summary>Prints <paramref name="line"/> every <paramref name="every"/> until the returned scope is disposed.</summary>
    public IAsyncDisposable Every(TimeSpan every, Func<string> line)
    {
        var cts = new CancellationTokenSource();
        var loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(every);
            while (await timer.WaitForNextTickAsync(cts.Token).AsTask().ContinueWith(t => t.Status == TaskStatus.RanToCompletion && t.Result, TaskScheduler.Default))
            {
                Say(line());
            }
        });
        return new Stopper(cts, loop);
    }

    private sealed class Stopper(CancellationTokenSource cts, Task loop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await cts.CancelAsync();
            await loop;
            cts.Dispose();
        }
    }
}
