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
    /// CPU time used so far by the Azurite process serving <paramref name="tablePort"/> (found by its command line in
    /// /proc: the emulator is one Node process for all three services), or null when it is not a local process.
    /// </summary>
    public static TimeSpan? AzuriteCpu(int tablePort)
    {
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
                var isAzurite = args.Any(a => a.Contains("azurite", StringComparison.OrdinalIgnoreCase)) && args[0].EndsWith("node", StringComparison.Ordinal);
                var port = Array.IndexOf(args, "--tablePort") is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : "10002";
                if (isAzurite && port == tablePort.ToString(CultureInfo.InvariantCulture))
                {
                    // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux).
                    var fields = File.ReadAllText(Path.Combine(dir, "stat")).Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return TimeSpan.FromSeconds((long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }

        return null;
    }

    /// <summary>
    /// Times a fixed single-threaded workload (sorting and JSON), best of 3, in milliseconds. The VMs this runs on
    /// change speed by half or more from one minute to the next with their neighbours' load, so every benchmark prints
    /// this beside its figures: two runs compare only when their probes are close.
    /// </summary>
    public static double SpeedProbeMs()
    {
        var best = double.MaxValue;
        for (var round = 0; round < 3; round++)
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
            best = Math.Min(best, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return best;
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
