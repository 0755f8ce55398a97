using System.Diagnostics;
using System.Reflection;

namespace Approvals.Pipeline.Tests.Infra;

/// <summary>
/// Runs the Bicep CLI that restore downloads into the NuGet cache (<c>PackageDownload</c> in the test project;
/// its path arrives as assembly metadata), so the infra tests need no tool installed by hand.
/// </summary>
internal static class BicepCli
{
    public static string Path { get; } = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "BicepCli").Value!;

    /// <summary>Runs one command to its end; output and exit code as they are (the tests judge them).</summary>
    public static async Task<BicepResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, CancellationToken ct, params string[] args)
    {
        if (!File.Exists(Path))
        {
            throw new FileNotFoundException(
                $"Bicep CLI not found at {Path}: restore the test project (dotnet restore) on linux-x64, the one platform whose CLI package it downloads.", Path);
        }

        var start = new ProcessStartInfo(Path)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bicep did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new BicepResult(process.ExitCode, await stdout, await stderr);
    }
}

public sealed record BicepResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n{Stderr}\n{Stdout}";
}
