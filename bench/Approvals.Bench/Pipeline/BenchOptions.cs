using System.Globalization;

namespace Approvals.Bench.Pipeline;

/// <summary>
/// The command line of <c>scripts/bench.sh pipeline [cases] [options]</c>. The published figures use the defaults;
/// every other value is an experiment and is printed as such in the report.
/// </summary>
internal sealed record BenchOptions
{
    public const string Usage = """
        Usage: scripts/bench.sh pipeline [cases] [options]
          cases                  cases per measured round (200)
          --rate <cases/s>       the latency round's open-loop submission rate (2)
          --warmup <n>           whole cases run first, not measured (100)
          --durable <Name=Value> a DurableTask setting for the app (host.json names: PartitionCount,
                                 MaxQueuePollingInterval, ControlQueueBatchSize, MaxConcurrentActivityFunctions,
                                 MaxConcurrentOrchestratorFunctions, ExtendedSessionsEnabled,
                                 ExtendedSessionIdleTimeoutInSeconds, ...); repeatable; overrides the bench's own
          --runtime-log <level>  print the Durable runtime's own logs from this level (Warning, Information, ...)
          --callers              also break storage calls down by the code that made them (slow: a stack trace each)
          --workers <n>          department workers answering webhooks (32)
          --register-ms <ms>     pause between the harness's reads of the public register (100)
          --storage <connection string>   another account instead of the private Azurite (set by bench.sh)
        """;

    public int Cases { get; private init; } = 200;

    public int Rate { get; private init; } = 2;

    public int Warmup { get; private init; } = 100;

    public int Workers { get; private init; } = 32;

    public int RegisterMs { get; private init; } = 100;

    public bool Callers { get; private init; }

    public Microsoft.Extensions.Logging.LogLevel? RuntimeLog { get; private init; }

    public string Storage { get; private init; } = "UseDevelopmentStorage=true";

    /// <summary>DurableTask settings given on the command line (name → value), applied over the bench's own.</summary>
    public IReadOnlyDictionary<string, string> Durable { get; private init; } = new Dictionary<string, string>();

    /// <summary>The parsed options, or null (after printing why and the usage) when the command line is not understood.</summary>
    public static BenchOptions? Parse(string[] args)
    {
        var options = new BenchOptions();
        var durable = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{arg} needs a value");
            int Positive() => int.TryParse(Value(), CultureInfo.InvariantCulture, out var v) && v > 0 ? v : throw new FormatException($"{arg} needs a positive integer");
            try
            {
                options = arg switch
                {
                    "--rate" => options with { Rate = Positive() },
                    "--warmup" => options with { Warmup = int.TryParse(Value(), CultureInfo.InvariantCulture, out var w) && w >= 0 ? w : throw new FormatException("--warmup needs a count ≥ 0") },
                    "--workers" => options with { Workers = Positive() },
                    "--register-ms" => options with { RegisterMs = Positive() },
                    "--callers" => options with { Callers = true },
                    "--runtime-log" => options with { RuntimeLog = Enum.TryParse<Microsoft.Extensions.Logging.LogLevel>(Value(), true, out var level) ? level : throw new FormatException("--runtime-log needs a log level") },
                    "--storage" => options with { Storage = Value() },
                    "--durable" => AddDurable(options, durable, Value()),
                    _ when i == 0 && int.TryParse(arg, CultureInfo.InvariantCulture, out var n) && n > 0 => options with { Cases = n },
                    _ => throw new FormatException($"unknown argument '{arg}'"),
                };
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine("bench: " + e.Message);
                Console.Error.WriteLine(Usage);
                return null;
            }
        }

        return options with { Durable = durable };
    }

    private static BenchOptions AddDurable(BenchOptions options, Dictionary<string, string> durable, string setting)
    {
        var eq = setting.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new FormatException($"--durable needs Name=Value, not '{setting}'");
        }

        durable[setting[..eq]] = setting[(eq + 1)..];
        return options;
    }
}
