using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Approvals.Bench.Diagnostics;

/// <summary>
/// Counts and times every storage HTTP call by operation (e.g. "table History query", "queue receive control"),
/// from the <c>System.Net.Http</c> activity source, so a missed target can be traced to the call that dominates.
/// The app's own <c>StorageRequestCounter</c> stays the authority for the totals; calls the harness makes to
/// observe progress run inside <see cref="Observing"/> and are left out of this breakdown.
/// </summary>
internal sealed class StorageCallRecorder : IDisposable, IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private static readonly AsyncLocal<bool> ObserverCall = new();
    private readonly ActivityListener _listener;
    private readonly List<IDisposable> _subscriptions = [];
    /// <summary>Storage calls by operation and calling code, kept when <see cref="AttributeCallers"/> is on.</summary>
    public static readonly ConcurrentDictionary<string, int> Callers = new(StringComparer.Ordinal);

    /// <summary>Records which app or runtime code made each storage call (a stack trace per call: slow, for diagnosis only).</summary>
    public static bool AttributeCallers { get; set; }
    private ConcurrentDictionary<string, CallStats> _calls = new(StringComparer.Ordinal);

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

                // The app and DTFx frames on the stack when the call starts (the caller up to its first await).
                var frames = new StackTrace().GetFrames().Select(f => f.GetMethod())
                    .Where(m => m?.DeclaringType?.FullName is { } n && (n.StartsWith("Approvals.", StringComparison.Ordinal) || n.StartsWith("DurableTask.", StringComparison.Ordinal)) && !n.StartsWith("Approvals.Bench", StringComparison.Ordinal))
                    .Select(m => m!.DeclaringType!.FullName!.Replace("Approvals.", "", StringComparison.Ordinal) + "." + m.Name).Take(3);
                a.SetCustomProperty("stack", string.Join(" <- ", frames));
            },
        };
        ActivitySource.AddActivityListener(_listener);
        // The request (hence its URL) is known at the handler's start event, not yet at the activity's start.
        _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
    }

    /// <summary>Marks the calls made in this async flow as the harness's own.</summary>
    public static IDisposable Observing()
    {
        ObserverCall.Value = true;
        return new Scope();
    }

    /// <summary>The calls recorded since the last reset, and starts a new period.</summary>
    public IReadOnlyDictionary<string, CallStats> TakeSnapshot() => Interlocked.Exchange(ref _calls, new(StringComparer.Ordinal));

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

    public void Dispose()
    {
        _listener.Dispose();
        lock (_subscriptions)
        {
            _subscriptions.ForEach(s => s.Dispose());
        }
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener value)
    {
        if (value.Name == "HttpHandlerDiagnosticListener")
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(value.Subscribe(this, (name, _, _) => name == "System.Net.Http.HttpRequestOut.Start"));
            }
        }
    }

    /// <summary>
    /// A table transaction names its table only in its body: who sends it tells the runtime's History appends from
    /// the app's case transactions. The handler raises this event on the caller's stack (shared-key requests do
    /// not yield before they are sent), with the request's activity current.
    /// </summary>
    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Value?.GetType().GetProperty("Request")?.GetValue(value.Value) is HttpRequestMessage { RequestUri: { } uri }
            && uri.AbsolutePath.EndsWith("/$batch", StringComparison.Ordinal))
        {
            Activity.Current?.SetCustomProperty("batch-of", CallerOf());
        }
    }

    void IObserver<DiagnosticListener>.OnCompleted()
    {
    }

    void IObserver<DiagnosticListener>.OnError(Exception error)
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted()
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error)
    {
    }

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

        var op = Classify(method, uri, activity.GetCustomProperty("batch-of") as string);
        if (activity.GetCustomProperty("stack") is string stack && !op.StartsWith("(not", StringComparison.Ordinal))
        {
            Callers.AddOrUpdate(op + " <- " + stack, 1, (_, n) => n + 1);
        }

        _calls.GetOrAdd(op, _ => new CallStats()).Add(activity.Duration);
    }

    /// <summary>Azurite's ports (blob, queue, table); <see cref="UseEndpoints"/> for a private Azurite on others.</summary>
    private static (int Blob, int Queue, int Table) _ports = (10000, 10001, 10002);

    /// <summary>The app's table prefix and the task hub, stripped from resource names (<see cref="UseNames"/>).</summary>
    private static (string TablePrefix, string Hub) _names = ("", "");

    /// <summary>The services' ports (Azurite's defaults unless <see cref="UseEndpoints"/> said otherwise).</summary>
    public static (int Blob, int Queue, int Table) Ports => _ports;

    /// <summary>Takes the service ports from a connection string with explicit endpoints (else keeps Azurite's defaults).</summary>
    public static void UseEndpoints(string connectionString)
    {
        int PortOf(string name, int fallback) => connectionString.Split(';')
            .Where(p => p.StartsWith(name + "=", StringComparison.OrdinalIgnoreCase))
            .Select(p => Uri.TryCreate(p[(name.Length + 1)..], UriKind.Absolute, out var u) ? u.Port : fallback)
            .DefaultIfEmpty(fallback).First();
        _ports = (PortOf("BlobEndpoint", 10000), PortOf("QueueEndpoint", 10001), PortOf("TableEndpoint", 10002));
    }

    /// <summary>Names resources by role: <c>{hub}History</c> as History, <c>{prefix}Cases</c> as Cases, <c>{hub}-control-03</c> as control.</summary>
    public static void UseNames(string tablePrefix, string hub) => _names = (tablePrefix, hub);

    /// <summary>Names the storage operation behind an Azurite URL (one service per port); other ports are the app's own HTTP.</summary>
    internal static string Classify(string method, Uri uri, string? batchOf = null)
    {
        var path = Uri.UnescapeDataString(uri.AbsolutePath);
        var query = Uri.UnescapeDataString(uri.Query);
        // Azurite's path style: /{account}/{resource}/...
        var segments = path.Trim('/').Split('/');
        var resource = segments.Length > 1 ? segments[1] : "";
        var ports = _ports;
        if (uri.Port != ports.Blob && uri.Port != ports.Queue && uri.Port != ports.Table)
        {
            return $"(not storage) http {method}";
        }

        switch (uri.Port)
        {
            case var t when t == ports.Table:
                var role = Role(resource.Split('(')[0]);
                return (method, resource) switch
                {
                    // The transaction's table is in its body; the caller (runtime or app) is told apart by its stack.
                    (_, "$batch") => $"table batch ({batchOf ?? "?"})",
                    ("GET", _) when resource.Contains("(PartitionKey=", StringComparison.Ordinal) => $"table {role} point read",
                    ("GET", _) => $"table {role} query",
                    ("POST", "Tables") => "table create",
                    ("POST", _) => $"table {role} insert",
                    ("PUT", _) => $"table {role} replace",
                    ("MERGE" or "PATCH", _) => $"table {role} merge",
                    ("DELETE", _) => $"table {role} delete",
                    _ => $"table {method}",
                };
            case var q when q == ports.Queue:
                var queue = QueueRole(resource);
                var onMessages = segments.Length > 2 && segments[2] == "messages";
                var oneMessage = segments.Length > 3;
                return (method, onMessages, oneMessage) switch
                {
                    ("GET", true, _) => query.Contains("peekonly", StringComparison.OrdinalIgnoreCase) ? $"queue peek {queue}" : $"queue receive {queue}",
                    ("POST", true, _) => $"queue send {queue}",
                    ("DELETE", true, true) => $"queue delete {queue}",
                    ("PUT", true, true) => $"queue update {queue}",
                    ("PUT", false, _) => "queue create",
                    ("GET", false, _) => $"queue metadata {queue}",
                    _ => $"queue {method} {queue}",
                };
            default:
                return query.Contains("restype=container", StringComparison.Ordinal) ? $"blob container {method}" : $"blob {method} {Role(resource)}";
        }
    }

    /// <summary>"runtime" when DTFx code made this call, "app" when ours did, null when neither is on the stack.</summary>
    private static string? CallerOf()
    {
        foreach (var frame in new StackTrace(2, false).GetFrames())
        {
            var ns = frame.GetMethod()?.DeclaringType?.Namespace;
            if (ns is null)
            {
                continue;
            }

            if (ns.StartsWith("DurableTask.", StringComparison.Ordinal))
            {
                return "runtime";
            }

            if (ns.StartsWith("Approvals.", StringComparison.Ordinal) && !ns.StartsWith("Approvals.Bench", StringComparison.Ordinal))
            {
                return "app";
            }
        }

        return null;
    }

    private static string Role(string name)
    {
        var (prefix, hub) = _names;
        if (hub.Length > 0 && name.StartsWith(hub, StringComparison.OrdinalIgnoreCase))
        {
            return name[hub.Length..].TrimStart('-');
        }

        return prefix.Length > 0 && name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? name[prefix.Length..].TrimStart('-') : name;
    }

    private static string QueueRole(string name)
    {
        var role = Role(name);
        return role.StartsWith("control-", StringComparison.Ordinal) ? "control" : role;
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
