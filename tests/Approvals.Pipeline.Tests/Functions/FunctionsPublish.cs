using System.Diagnostics;
using System.Text.Json.Nodes;
using Approvals.Pipeline.Tests.Infra;

namespace Approvals.Pipeline.Tests.Functions;

/// <summary>
/// <c>dotnet publish src/Approvals.Functions</c>, run once for the Functions tests, into a temporary folder: what a
/// deployment zip holds — <c>functions.metadata</c> (the function index the worker SDK generates and the Functions
/// host reads), <c>host.json</c>, <c>extensions.json</c> and <c>.azurefunctions/</c> (the host's extensions). Debug,
/// so it reuses the referenced projects the solution build of the same test run compiled; linux-x64 as Flex
/// Consumption runs it (without a runtime identifier the output carries every platform's SkiaSharp natives and their
/// Windows symbols, 470 MB instead of 43 MB). The zip of <c>scripts/test.sh</c> is the same, in Release.
/// </summary>
public sealed class FunctionsPublish : IAsyncLifetime
{
    private readonly DirectoryInfo _output = Directory.CreateTempSubdirectory("approvals-functions-");

    public string Output => _output.FullName;

    public int ExitCode { get; private set; } = -1;

    public string Log { get; private set; } = "";

    public TimeSpan Duration { get; private set; }

    /// <summary>Every function of the published app.</summary>
    public IReadOnlyList<JsonObject> Functions { get; private set; } = [];

    public JsonObject HostJson { get; private set; } = new();

    /// <summary>The HTTP triggers: name, method (upper case) and route template (no leading or trailing slash).</summary>
    public IReadOnlyList<(string Name, string Method, string Route)> HttpRoutes =>
        Functions.SelectMany(f => Bindings(f, "httpTrigger").SelectMany(b =>
                b["methods"]!.AsArray().Select(m => ((string)f["name"]!, ((string)m!).ToUpperInvariant(), ((string?)b["route"] ?? "").Trim('/')))))
            .ToList();

    /// <summary>Names of the functions with a trigger of <paramref name="type"/> (orchestrationTrigger, activityTrigger…).</summary>
    public IReadOnlyList<string> Triggered(string type) =>
        Functions.Where(f => Bindings(f, type).Any()).Select(f => (string)f["name"]!).ToList();

    public static IEnumerable<JsonObject> Bindings(JsonObject function, string type) =>
        function["bindings"]!.AsArray().Select(b => b!.AsObject()).Where(b => string.Equals((string?)b["type"], type, StringComparison.OrdinalIgnoreCase));

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var project = Path.Combine(InfraModel.RepoRoot, "src", "Approvals.Functions", "Approvals.Functions.csproj");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = InfraModel.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "publish", project, "-c", "Debug", "-r", "linux-x64", "--self-contained", "false", "-o", Output, "--nologo", "-nodeReuse:false" })
        {
            start.ArgumentList.Add(a);
        }

        // The test host runs under `dotnet test`, whose MSBuild variables would point the child build at the parent's.
        foreach (var key in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            start.Environment.Remove(key);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        Duration = clock.Elapsed;
        ExitCode = process.ExitCode;
        Log = await stdout + await stderr;
        var metadata = Path.Combine(Output, "functions.metadata");
        if (File.Exists(metadata))
        {
            Functions = JsonNode.Parse(await File.ReadAllTextAsync(metadata, timeout.Token))!.AsArray().Select(f => f!.AsObject()).ToList();
        }

        var host = Path.Combine(Output, "host.json");
        if (File.Exists(host))
        {
            HostJson = JsonNode.Parse(await File.ReadAllTextAsync(host, timeout.Token))!.AsObject();
        }
    }

    public Task DisposeAsync()
    {
        _output.Delete(recursive: true);
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class FunctionsCollection : ICollectionFixture<FunctionsPublish>
{
    public const string Name = "functions";
}
