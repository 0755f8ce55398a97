using System.Globalization;
using System.Runtime.InteropServices;

namespace Approvals.Bench.Shared;

/// <summary>What the figures were measured on: they mean little without it.</summary>
internal static class Machine
{
    public static string Describe()
    {
        var load = ReadFirstLine("/proc/loadavg") is { } l ? $", load average {string.Join(' ', l.Split(' ').Take(3))}" : "";
        return $"{Environment.ProcessorCount} cores ({Cpu()}), {RuntimeInformation.OSDescription}, .NET {Environment.Version}{load}";
    }

    /// <summary>The folder holding Approvals.sln (the current directory when not found).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Approvals.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    /// <summary>
    /// The size of the local Azurite's table database, when it lives in this repository's <c>.azurite/</c>: Azurite
    /// re-serialises all of it every 5 s and serves nothing meanwhile, so a database grown by many test runs adds
    /// stalls of tens of milliseconds to every latency figure.
    /// </summary>
    public static string? AzuriteTableDb()
    {
        var file = new FileInfo(Path.Combine(RepositoryRoot(), ".azurite", "__azurite_db_table__.json"));
        if (!file.Exists)
        {
            return null;
        }

        var warning = file.Length > 2 * 1024 * 1024 ? " — large: its 5-s autosave stalls requests; for clean latency figures stop Azurite and delete .azurite/" : "";
        return $"Azurite table database: {Mb(file.Length)}{warning}";
    }

    /// <summary>
    /// CPU time used so far by each local Azurite process serving one of <paramref name="ports"/>, keyed by the
    /// services it serves ("blob+queue+table" for the all-in-one emulator, "queue" for <c>azurite-queue</c>...): each
    /// is one Node thread. Found by command line in /proc; empty when the emulator is not a local process.
    /// </summary>
    public static IReadOnlyDictionary<string, TimeSpan> AzuriteCpu((int Blob, int Queue, int Table) ports)
    {
        var cpu = new SortedDictionary<string, TimeSpan>(StringComparer.Ordinal);
        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                var cmdline = Path.Combine(dir, "cmdline");
                if (!int.TryParse(Path.GetFileName(dir), out _) || !File.Exists(cmdline))
                {
                    continue;
                }

                var args = File.ReadAllText(cmdline).Split('\0');
                if (!args[0].EndsWith("node", StringComparison.Ordinal) || !args.Any(a => a.Contains("azurite", StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }

                bool Serves(string flag, int port) => Array.IndexOf(args, flag) is var i and >= 0 && i + 1 < args.Length && args[i + 1] == port.ToString(CultureInfo.InvariantCulture);
                var services = string.Join('+', new[] { ("blob", Serves("--blobPort", ports.Blob)), ("queue", Serves("--queuePort", ports.Queue)), ("table", Serves("--tablePort", ports.Table)) }
                    .Where(s => s.Item2).Select(s => s.Item1));
                if (services.Length > 0)
                {
                    // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux).
                    var fields = File.ReadAllText(Path.Combine(dir, "stat")).Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    cpu[services] = TimeSpan.FromSeconds((long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return new Dictionary<string, TimeSpan>();
        }

        return cpu;
    }

    /// <summary>
    /// Times fixed work, in milliseconds, the median of 5: <c>Cpu</c> a single-threaded workload (sorting and JSON),
    /// <c>Loopback</c> 2,000 request/response round trips over a loopback TCP socket (system calls and scheduling,
    /// what storage calls to a local emulator cost). The VMs this runs on change speed by half or more from one
    /// minute to the next with their neighbours' load, so benchmarks print this beside their figures: two runs
    /// compare only when their probes are close.
    /// </summary>
    public static (double Cpu, double Loopback) SpeedProbe()
    {
        var cpu = new List<double>();
        var loopback = new List<double>();
        for (var round = 0; round < 5; round++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var random = new Random(42);
            var numbers = new int[500_000];
            for (var i = 0; i < numbers.Length; i++)
            {
                numbers[i] = random.Next();
            }

            Array.Sort(numbers);
            var sum = 0L;
            for (var i = 0; i < 20_000; i++)
            {
                var json = System.Text.Json.JsonSerializer.Serialize(new ProbeRecord(i, "压测餐饮管理有限公司", numbers[i % numbers.Length]));
                sum += System.Text.Json.JsonSerializer.Deserialize<ProbeRecord>(json)!.Value;
            }

            GC.KeepAlive(sum);
            cpu.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            loopback.Add(LoopbackMs(2_000));
        }

        return (Median(cpu), Median(loopback));
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static double LoopbackMs(int roundTrips)
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        using var client = new System.Net.Sockets.TcpClient { NoDelay = true };
        client.Connect((System.Net.IPEndPoint)listener.LocalEndpoint);
        using var server = listener.AcceptTcpClient();
        server.NoDelay = true;
        var echo = new Thread(() =>
        {
            var buffer = new byte[64];
            var stream = server.GetStream();
            for (var i = 0; i < roundTrips; i++)
            {
                var n = stream.Read(buffer);
                stream.Write(buffer, 0, n);
            }
        }) { IsBackground = true };
        echo.Start();
        var request = new byte[32];
        var reply = new byte[64];
        var clientStream = client.GetStream();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var i = 0; i < roundTrips; i++)
        {
            clientStream.Write(request);
            _ = clientStream.Read(reply);
        }

        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        echo.Join();
        return elapsed;
    }

    private sealed record ProbeRecord(int Id, string Name, long Value);

    public static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0", CultureInfo.InvariantCulture) + " MB";

    private static string Cpu()
    {
        try
        {
            var model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return model?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    private static string? ReadFirstLine(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadLines(path).FirstOrDefault() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
