using System.Diagnostics;

namespace Approvals.Durable.Tests;

/// <summary>A worker in its own OS process (tests/Approvals.Durable.TestHost), so it can be killed with SIGKILL.</summary>
internal sealed class HostProcess : IDisposable
{
    private readonly Process _process;

    private HostProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public static async Task<HostProcess> StartAsync(string hub, string hostId, string logPath, int leaseTtlSeconds = 4)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Approvals.Durable.TestHost.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "--hub", hub, "--host-id", hostId, "--log", logPath, "--lease-ttl-seconds", leaseTtlSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        var ready = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == "READY")
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return new HostProcess(process);
    }

    /// <summary>SIGKILL: no shutdown code runs, leases are not released, in-flight work is lost.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }
}
