using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Approvals.Bench.Pipeline;

/// <summary>A task a simulated department was told about by webhook.</summary>
internal sealed record NotifiedTask(string CaseId, string DepartmentId, string TaskId);

/// <summary>
/// The departments' back offices: a loopback endpoint that receives the app's signed task webhooks and queues each
/// task for a decision (the benchmark answers them through the signed callback).
/// </summary>
internal sealed class DepartmentSimulator : IAsyncDisposable
{
    private WebApplication? _app;

    public Channel<NotifiedTask> Tasks { get; } = Channel.CreateUnbounded<NotifiedTask>();

    public string BaseUrl { get; private set; } = "";

    public long Received;

    public async Task StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/hooks/{department}", async (string department, HttpRequest request) =>
        {
            using var doc = await JsonDocument.ParseAsync(request.Body);
            var root = doc.RootElement;
            Interlocked.Increment(ref Received);
            await Tasks.Writer.WriteAsync(new NotifiedTask(root.GetProperty("caseId").GetString()!, department, root.GetProperty("taskId").GetString()!));
            return Results.Ok();
        });
        await _app.StartAsync(ct);
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
