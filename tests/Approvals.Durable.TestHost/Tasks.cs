using System.Globalization;

namespace Approvals.Durable.TestHost;

/// <summary>Records every activity execution (one line each) so tests can count re-executions across processes.</summary>
public sealed class WorkLog(string path)
{
    private readonly Lock _gate = new();

    public void Record(string line)
    {
        lock (_gate)
        {
            File.AppendAllText(path, line + "\n");
        }
    }
}

/// <summary>Input of <see cref="CrashFanOut"/>.</summary>
public sealed record CrashFanOutInput(int Width, int DelayMs);

/// <summary>Fans out <c>Width</c> slow activities, then runs two more in sequence: a crash can hit any stage.</summary>
public sealed class CrashFanOut : TaskOrchestrator<CrashFanOutInput, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, CrashFanOutInput input)
    {
        var results = await Task.WhenAll(Enumerable.Range(0, input.Width).Select(i => context.CallActivityAsync<int>(nameof(SlowWork), new SlowWorkInput(i, input.DelayMs))));
        var sum = results.Sum();
        sum += await context.CallActivityAsync<int>(nameof(SlowWork), new SlowWorkInput(1000, input.DelayMs));
        sum += await context.CallActivityAsync<int>(nameof(SlowWork), new SlowWorkInput(2000, input.DelayMs));
        return sum;
    }
}

/// <summary>Input of <see cref="SlowWork"/>.</summary>
public sealed record SlowWorkInput(int Value, int DelayMs);

/// <summary>Takes a while and records that it ran.</summary>
public sealed class SlowWork(WorkLog log) : TaskActivity<SlowWorkInput, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, SlowWorkInput input)
    {
        log.Record(context.IdempotencyKey);
        await Task.Delay(input.DelayMs, context.CancellationToken);
        return input.Value;
    }
}

internal sealed record HostArgs(string Hub, string HostId, int LeaseTtlSeconds, string LogPath)
{
    public static HostArgs Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        return new HostArgs(
            Get("--hub", "crashtest"),
            Get("--host-id", Environment.MachineName),
            int.Parse(Get("--lease-ttl-seconds", "4"), CultureInfo.InvariantCulture),
            Get("--log", Path.Combine(Path.GetTempPath(), "approvals-worklog.txt")));
    }
}
