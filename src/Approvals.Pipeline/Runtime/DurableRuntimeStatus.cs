namespace Approvals.Pipeline.Runtime;

/// <summary>What the readiness probe reports of the runtime: started or not, and the last start-up failure.</summary>
internal sealed class DurableRuntimeStatus
{
    private volatile bool _started;
    private volatile string? _lastError;

    public bool IsStarted => _started;

    public bool WorkerEnabled { get; internal set; } = true;

    /// <summary>The worker id this host writes on partition leases.</summary>
    public string WorkerId { get; internal set; } = string.Empty;

    public string? LastError => _lastError;

    internal void Started()
    {
        _lastError = null;
        _started = true;
    }

    internal void Failed(Exception e) => _lastError = e.GetType().Name + ": " + e.Message;
}
