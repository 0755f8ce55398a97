using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Approvals.Bench.Diagnostics;
using Approvals.Pipeline.Runtime;
using Approvals.Pipeline.Storage;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Approvals.Bench.Pipeline;

/// <summary>
/// One round's app: a fresh <see cref="BenchApp"/> (a task hub and table prefix of its own), started and ready — its
/// Durable runtime owns its partitions — with the HTTP client the simulated applicants and departments use.
/// Disposing it stops the app and deletes every table, queue and container of its hub and prefix, so the next round
/// starts on an emptied emulator: Azurite's cost per request grows with what it holds (it scans every row sharing
/// a row key, and re-sorts the index of every queue message it holds on each queue request), and the rounds'
/// figures should not depend on the rounds run before them.
/// </summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private readonly string _storage;

    private BenchHost(BenchApp app, HttpClient http, string storage)
    {
        App = app;
        Http = http;
        _storage = storage;
        Counter = app.Services.GetRequiredService<StorageConnection>().RequestCounter;
        Runtime = app.Services.GetRequiredService<IOptions<DurableRuntimeOptions>>().Value;
    }

    public BenchApp App { get; }

    /// <summary>Authenticated as the benchmark's applicant; also used for the departments' signed callbacks.</summary>
    public HttpClient Http { get; }

    public StorageRequestCounter Counter { get; }

    public DurableRuntimeOptions Runtime { get; }

    public static async Task<BenchHost> StartAsync(BenchOptions options, string hookBaseUrl, CancellationToken ct)
    {
        var app = new BenchApp(hookBaseUrl, options.Storage, options.Durable, options.RuntimeLog);
        StorageCallRecorder.UseNames(app.Prefix, app.HubName);
        using var started = app.CreateClient();
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = started.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BenchApp.Token("bench-applicant"));
        var host = new BenchHost(app, http, options.Storage);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        while (true)
        {
            // Ready: storage answers and the runtime owns a partition (503 before it starts, Degraded until its lease is taken).
            using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative), timeout.Token);
            var ready = await response.Content.ReadFromJsonAsync<JsonObject>(timeout.Token);
            if (ready?["status"]?.GetValue<string>() == "Healthy")
            {
                break;
            }

            await Task.Delay(200, timeout.Token);
        }

        (await http.GetAsync(new Uri("/api/licence-types", UriKind.Relative), ct)).EnsureSuccessStatusCode();
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.DisposeAsync();
        using var _ = StorageCallRecorder.Observing();
        bool Ours(string name) => name.StartsWith(App.Prefix, StringComparison.OrdinalIgnoreCase) || name.StartsWith(App.HubName, StringComparison.OrdinalIgnoreCase);
        var tables = new TableServiceClient(_storage);
        await foreach (var table in tables.QueryAsync())
        {
            if (Ours(table.Name))
            {
                await tables.DeleteTableAsync(table.Name);
            }
        }

        var queues = new QueueServiceClient(_storage);
        await foreach (var queue in queues.GetQueuesAsync())
        {
            if (Ours(queue.Name))
            {
                await queues.DeleteQueueAsync(queue.Name);
            }
        }

        var blobs = new BlobServiceClient(_storage);
        await foreach (var container in blobs.GetBlobContainersAsync())
        {
            if (Ours(container.Name))
            {
                // The runtime's app-lease container may still be leased by the stopped host.
                var client = blobs.GetBlobContainerClient(container.Name);
                if (container.Properties.LeaseState == Azure.Storage.Blobs.Models.LeaseState.Leased)
                {
                    await Azure.Storage.Blobs.Specialized.SpecializedBlobExtensions.GetBlobLeaseClient(client).BreakAsync(TimeSpan.Zero);
                }

                await client.DeleteAsync();
            }
        }
    }
}
