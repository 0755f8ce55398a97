using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Approvals.Licensing.Catalogue;
using Approvals.Pipeline.Tests.Pipeline;

namespace Approvals.Pipeline.Tests.Runtime;

/// <summary>
/// The ASP.NET Core host (src/Approvals.Host) as a separate OS process, as it runs in service: real Kestrel, the real
/// catalogue, the system clock, the Durable runtime in process. Tests kill it with SIGKILL — nothing gets to run
/// on the way out — and start another on the same task hub.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    private HostProcess(int port) => Port = port;

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>The last lines the process wrote (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                var s = _output.ToString();
                return s.Length > 4000 ? s[^4000..] : s;
            }
        }
    }

    /// <summary>Settings every host of one test shares: one storage account, task hub and table prefix.</summary>
    public static Dictionary<string, string> Settings(string storage, string hub)
    {
        using var signingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = storage,
            ["DurableTask__HubName"] = hub,
            ["DurableTask__PartitionCount"] = "2",
            // A killed host's dequeued messages and leases come back after these (the provider's defaults are minutes).
            // Not shorter: on a loaded 2-core machine an episode can outlast 10 s, and its messages then reappear
            // under it (PopReceiptMismatch on completion, the work done twice).
            ["DurableTask__ControlQueueVisibilityTimeout"] = "00:00:20",
            ["DurableTask__WorkItemQueueVisibilityTimeout"] = "00:00:20",
            ["DurableTask__LeaseInterval"] = "00:00:15",
            ["Approvals__TablePrefix"] = "p" + hub,
            ["Approvals__PublicBaseUrl"] = "http://localhost",
            ["Licensing__SigningKeyPem"] = signingKey.ExportPkcs8PrivateKeyPem(),
            ["Licensing__SigningKeyId"] = "k" + hub,
            ["Authentication__Schemes__Bearer__ValidIssuer"] = PipelineApp.Issuer,
            ["Authentication__Schemes__Bearer__ValidAudiences__0"] = PipelineApp.Audience,
            ["Authentication__Schemes__Bearer__SigningKeys__0__Issuer"] = PipelineApp.Issuer,
            ["Authentication__Schemes__Bearer__SigningKeys__0__Value"] = PipelineApp.JwtKeyBase64,
            ["RateLimiting__ApplicantPermitsPerMinute"] = "1000000",
            ["RateLimiting__PublicPermitsPerMinute"] = "1000000",
            ["Telemetry__Exporter"] = "none",
            ["Logging__LogLevel__Default"] = "Warning",
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
        };
        foreach (var d in LicenceCatalogue.LoadEmbedded().Departments)
        {
            settings[$"Departments__{d.Id}__CallbackSecret"] = PipelineApp.SecretOf(d.Id);
        }

        return settings;
    }

    /// <summary>Starts a host on a free port (or <paramref name="port"/>) and waits until it answers /healthz.</summary>
    public static async Task<HostProcess> StartAsync(IReadOnlyDictionary<string, string> settings, int? port = null)
    {
        var host = new HostProcess(port ?? PrivateAzurite.FreePort());
        var info = new ProcessStartInfo("dotnet")
        {
            // A folder of its own: the host looks for local.settings.json from its content root up to the repository.
            WorkingDirectory = Directory.CreateTempSubdirectory("host-").FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Approvals.Host.dll"));
        info.ArgumentList.Add("--contentRoot");
        info.ArgumentList.Add(info.WorkingDirectory);
        foreach (var (k, v) in settings)
        {
            info.Environment[k] = v;
        }

        info.Environment["ASPNETCORE_URLS"] = host.BaseAddress.ToString();
        host._process = Process.Start(info)!;
        host._process.OutputDataReceived += (_, e) => host.Append(e.Data);
        host._process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            host._process.HasExited.Should().BeFalse("the host keeps running: " + host.Output);
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode)
                {
                    return host;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            DateTime.UtcNow.Should().BeBefore(deadline, "the host answers /healthz within 60 s: " + host.Output);
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL: no shutdown, no checkpoint, leases and dequeued messages left as they are.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        // For a look at a failed run: APPROVALS_HOST_LOGS=<folder> keeps each host's whole output there.
        if (Environment.GetEnvironmentVariable("APPROVALS_HOST_LOGS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            string all;
            lock (_output)
            {
                all = _output.ToString();
            }

            await File.WriteAllTextAsync(Path.Combine(folder, $"host-{Port}-{DateTime.UtcNow:HHmmss}.log"), all);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
