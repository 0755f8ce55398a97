using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Approvals.Bench.Diagnostics;

/// <summary>
/// Counts and times every storage HTTP call by operation (e.g. "table batch", "table query inbox", "queue receive"),
/// from the <c>System.Net.Http</c> activity source, so a missed target can be traced to the call that dominates.
/// The engine's own <c>StorageRequestCounter</c> stays the authority for the totals; calls the harness makes to
/// observe progress run inside <see cref="Observing"/> and are left out of this breakdown.
/// </summary>
internal sealed class StorageCallRecorder : IDisposable
{
    private static readonly AsyncLocal<bool> ObserverCall = new();
    private static readonly string[] TableRoles = ["Instances", "Partitions", "DeadLetters"];
    private readonly ActivityListener _listener;
    /// <summary>Storage calls by operation and calling code, kept when <see cref="AttributeCallers"/> is on.</summary>
    public static readonly ConcurrentDictionary<string, int> Callers = new(StringComparer.Ordinal);

    /// <summary>Records which app or engine code made each storage call (a stack trace per call: slow, for diagnosis only).</summary>
    public static bool AttributeCallers { get; set; }
    private ConcurrentDictionary<string, CallStats> _calls = new(StringComparer.Ordinal);
    private ConcurrentQueue<TimedCall>? _timeline;

    public StorageCallRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = OnStopped,
            ActivityStarted = a =>
            {
                if (!AttributeCallers)
                {
                    return;
                }

                // The app and engine frames on the stack when the call starts (the caller up to its first await).
                var frames = new StackTrace().GetFrames().Select(f => f.GetMethod()).Where(m => m?.DeclaringType?.FullName?.StartsWith("Approvals.", StringComparison.Ordinal) == true && !m.DeclaringType!.FullName!.StartsWith("Approvals.Bench", StringComparison.Ordinal))
                    .Select(m => m!.DeclaringType!.FullName!.Replace("Approvals.", "", StringComparison.Ordinal) + "." + m.Name).Take(3);
                a.SetCustomProperty("stack", string.Join(" <- ", frames));
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Marks the calls made in this async flow as the harness's own.</summary>
    public static IDisposable Observing()
    {
        ObserverCall.Value = true;
        return new Scope();
    }

    /// <summary>The calls recorded since the last reset, and starts a new period.</summary>
    public IReadOnlyDictionary<string, CallStats> TakeSnapshot() => Interlocked.Exchange(ref _calls, new(StringComparer.Ordinal));

    /// <summary>Starts keeping every engine call with its Stopwatch interval (for per-sample breakdowns).</summary>
    public void StartTimeline() => _timeline = new();

    /// <summary>The calls kept since <see cref="StartTimeline"/>; stops keeping them.</summary>
    public IReadOnlyList<TimedCall> StopTimeline() => Interlocked.Exchange(ref _timeline, null)?.ToList() ?? [];

    public static string Format(IReadOnlyDictionary<string, CallStats> calls, double perUnit, string unit)
    {
        var sb = new StringBuilder();
        foreach (var (op, s) in calls.OrderByDescending(kv => kv.Value.Count))
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"    {op,-28} {s.Count,7} calls  {s.Count / perUnit,7:0.000}/{unit}  mean {s.MeanMs,6:0.0} ms  max {s.MaxMs,7:0.0} ms  total {s.TotalMs / 1000,6:0.00} s");
        }

        return sb.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void OnStopped(Activity activity)
    {
        if (ObserverCall.Value || activity.OperationName != "System.Net.Http.HttpRequestOut")
        {
            return;
        }

        var url = activity.GetTagItem("url.full") as string;
        var method = activity.GetTagItem("http.request.method") as string ?? "?";
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return;
        }

        var op = Classify(method, uri);
        if (activity.GetCustomProperty("stack") is string stack && !op.StartsWith("(not", StringComparison.Ordinal))
        {
            Callers.AddOrUpdate(op + " <- " + stack, 1, (_, n) => n + 1);
        }

        _calls.GetOrAdd(op, _ => new CallStats()).Add(activity.Duration);
        if (_timeline is { } timeline)
        {
            var end = Stopwatch.GetTimestamp();
            timeline.Enqueue(new TimedCall(op, end - (long)(activity.Duration.TotalSeconds * Stopwatch.Frequency), end));
        }
    }

    /// <summary>Azurite's ports (blob, queue, table); <see cref="UseEndpoints"/> for a private Azurite on others.</summary>
    private static (int Blob, int Queue, int Table) _ports = (10000, 10001, 10002);

    /// <summary>The table service's port (Azurite's default unless <see cref="UseEndpoints"/> said otherwise).</summary>
    public static int TablePort => _ports.Table;

    /// <summary>Takes the service ports from a connection string with explicit endpoints (else keeps Azurite's defaults).</summary>
    public static void UseEndpoints(string connectionString)
    {
        int PortOf(string name, int fallback) => connectionString.Split(';')
            .Where(p => p.StartsWith(name + "=", StringComparison.OrdinalIgnoreCase))
            .Select(p => Uri.TryCreate(p[(name.Length + 1)..], UriKind.Absolute, out var u) ? u.Port : fallback)
            .DefaultIfEmpty(fallback).First();
        _ports = (PortOf("BlobEndpoint", 10000), PortOf("QueueEndpoint", 10001), PortOf("TableEndpoint", 10002));
    }

    /// <summary>Names the storage operation behind an Azurite URL (one service per port); other ports are the app's own HTTP.</summary>
    internal static string Classify(string method, Uri uri)
    {
        var path = Uri.UnescapeDataString(uri.AbsolutePath);
        var query = Uri.UnescapeDataString(uri.Query);
        var last = path.TrimEnd('/').Split('/')[^1];
        var ports = _ports;
        if (uri.Port != ports.Blob && uri.Port != ports.Queue && uri.Port != ports.Table)
        {
            return $"(not storage) http {method}";
        }

        switch (uri.Port)
        {
            case var t when t == ports.Table:
                var table = last.Split('(')[0];
                var role = TableRoles.FirstOrDefault(r => table.EndsWith(r, StringComparison.Ordinal)) ?? table;
                return (method, last) switch
                {
                    (_, "$batch") => "table batch",
                    ("GET", _) when last.Contains("(PartitionKey=", StringComparison.Ordinal) => $"table {role} point read",
                    ("GET", _) => $"table {role} query{RowKeyRange(query)}",
                    ("POST", "Tables") => "table create",
                    ("POST", _) => $"table {role} insert",
                    ("PUT", _) => $"table {role} replace",
                    ("MERGE" or "PATCH", _) => $"table {role} merge",
                    ("DELETE", _) => $"table {role} delete",
                    _ => $"table {method}",
                };
            case var q when q == ports.Queue:
                var onMessages = path.Contains("/messages", StringComparison.Ordinal);
                return (method, onMessages) switch
                {
                    ("GET", true) => query.Contains("peekonly", StringComparison.OrdinalIgnoreCase) ? "queue peek" : "queue receive",
                    ("POST", true) => "queue send",
                    ("DELETE", true) => "queue delete message",
                    ("PUT", false) => "queue create",
                    _ => $"queue {method}",
                };
            default:
                return query.Contains("restype=container", StringComparison.Ordinal) ? $"blob container {method}" : $"blob {method}";
        }
    }

    private static string RowKeyRange(string query)
    {
        var i = query.IndexOf("RowKey ge '", StringComparison.Ordinal);
        return i < 0 || i + 12 >= query.Length ? "" : query[i + 11] switch
        {
            'I' => " inbox",
            'H' => " history",
            'S' => " status",
            var c => $" {c}",
        };
    }

    private sealed class Scope : IDisposable
    {
        public void Dispose() => ObserverCall.Value = false;
    }
}

/// <summary>Count and time of one kind of storage call.</summary>
internal sealed class CallStats
{
    private long _count;
    private long _ticks;
    private long _maxTicks;

    public long Count => Interlocked.Read(ref _count);

    public double TotalMs => TimeSpan.FromTicks(Interlocked.Read(ref _ticks)).TotalMilliseconds;

    public double MeanMs => Count == 0 ? 0 : TotalMs / Count;

    public double MaxMs => TimeSpan.FromTicks(Interlocked.Read(ref _maxTicks)).TotalMilliseconds;

    public void Add(TimeSpan duration)
    {
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _ticks, duration.Ticks);
        long seen;
        while (duration.Ticks > (seen = Interlocked.Read(ref _maxTicks)) && Interlocked.CompareExchange(ref _maxTicks, duration.Ticks, seen) != seen)
        {
        }
    }
}

/// <summary>One engine storage call and its Stopwatch interval.</summary>
internal sealed record TimedCall(string Operation, long Start, long End)
{
    public double Ms => Stopwatch.GetElapsedTime(Start, End).TotalMilliseconds;
}
