namespace Approvals.Pipeline.Hosting;

/// <summary>
/// Host settings with defaults, bound from the root of configuration (<c>Telemetry:*</c>, <c>RateLimiting:*</c>,
/// <c>Limits:*</c>, <c>Projections:*</c>) and validated at start-up by <see cref="ConfigurationValidator"/>.
/// </summary>
internal sealed class HostingOptions
{
    public TelemetryOptions Telemetry { get; set; } = new();

    public RateLimitingOptions RateLimiting { get; set; } = new();

    public LimitsOptions Limits { get; set; } = new();

    public ProjectionsOptions Projections { get; set; } = new();
}

/// <summary>Writes of the projections (department inboxes, statistics, timeline).</summary>
internal sealed class ProjectionsOptions
{
    /// <summary>Largest allowed <see cref="LingerMilliseconds"/>.</summary>
    public const int MaxLingerMilliseconds = 1000;

    /// <summary>
    /// How long a projection write that finds its partition idle waits for others to share its transaction
    /// (0 = not at all). Readers of inboxes, statistics and timelines see a write at most this much later.
    /// </summary>
    public int LingerMilliseconds { get; set; } = 50;
}

/// <summary>Where traces, metrics and logs go.</summary>
internal sealed class TelemetryOptions
{
    /// <summary>Known exporter names.</summary>
    public static readonly string[] KnownExporters = ["none", "console", "otlp", "azuremonitor"];

    /// <summary>
    /// Comma-separated exporters: <c>console</c>, <c>otlp</c> (endpoint from <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>),
    /// <c>azuremonitor</c> (connection string from <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>) or <c>none</c>.
    /// Null means <c>console</c> in Development and <c>none</c> elsewhere.
    /// </summary>
    public string? Exporter { get; set; }

    /// <summary>How often the engine's control-queue depth is sampled for the <c>durable.queue.depth</c> gauge (0 = never).</summary>
    public int QueueDepthIntervalSeconds { get; set; } = 30;

    public IReadOnlyList<string> Exporters(bool development) =>
        (string.IsNullOrWhiteSpace(Exporter) ? (development ? "console" : "none") : Exporter)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(e => e.ToLowerInvariant())
            .Where(e => e != "none")
            .Distinct()
            .ToList();
}

/// <summary>Per-client request rates (token buckets refilled every second).</summary>
internal sealed class RateLimitingOptions
{
    /// <summary>Requests per minute per signed-in applicant (per address when not signed in) on applicant routes.</summary>
    public int ApplicantPermitsPerMinute { get; set; } = 600;

    /// <summary>Requests per minute per client address on public routes (register, licence verification, catalogue).</summary>
    public int PublicPermitsPerMinute { get; set; } = 300;
}

/// <summary>Request size limits.</summary>
internal sealed class LimitsOptions
{
    /// <summary>Largest request body in bytes, except material uploads, which are limited per material by the catalogue.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}
