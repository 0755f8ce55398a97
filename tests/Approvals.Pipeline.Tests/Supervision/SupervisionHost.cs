using System.Net.Http.Headers;
using System.Security.Cryptography;
using Approvals.Pipeline.Storage;
using Approvals.Pipeline.Identity;
using Approvals.Pipeline.Supervision;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Approvals.Pipeline.Tests.Supervision;

/// <summary>
/// The supervision services and routes on a real Kestrel socket (127.0.0.1, free port) against Azurite, one per test
/// class: a unique table prefix, a fake clock, and the same JWT bearer setup as the app (<see cref="IdentityExtensions"/>)
/// with a symmetric test key. No durable engine: the recorder is called directly, as the pipeline's activities do.
/// </summary>
public sealed class SupervisionHost : IAsyncLifetime
{
    /// <summary>Monday 23 November 2026, 09:00 in Shanghai.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 1, 0, 0, TimeSpan.Zero);

    private const string Issuer = "supervision-tests";
    private const string Audience = "approvals";
    private static readonly byte[] JwtKey = RandomNumberGenerator.GetBytes(32);

    private WebApplication? _app;

    public FakeTimeProvider Time { get; } = new(Start);

    public string TablePrefix { get; } = "s" + Guid.NewGuid().ToString("N")[..10];

    public Uri BaseAddress { get; private set; } = null!;

    internal IServiceProvider Services => _app!.Services;

    internal SupervisionRecorder Recorder => Services.GetRequiredService<SupervisionRecorder>();

    internal SupervisionStorage Storage => Services.GetRequiredService<SupervisionStorage>();

    internal TableClient TimelineTable => Storage.Timeline;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Approvals:TablePrefix"] = TablePrefix,
            ["Authentication:Schemes:Bearer:ValidIssuer"] = Issuer,
            ["Authentication:Schemes:Bearer:ValidAudiences:0"] = Audience,
            ["Authentication:Schemes:Bearer:SigningKeys:0:Issuer"] = Issuer,
            ["Authentication:Schemes:Bearer:SigningKeys:0:Value"] = Convert.ToBase64String(JwtKey),
        });
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(StorageConnection.Create("UseDevelopmentStorage=true"));
        builder.Services.AddSingleton<TimeProvider>(Time);
        builder.Services.AddProblemDetails();
        builder.Services.AddApprovalsIdentity();
        builder.Services.AddSupervision();
        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapSupervisionApi();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    public static string Token(string subject, string role, string? department = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject, ["role"] = role };
        if (department is not null)
        {
            claims["department"] = department;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = claims,
            Expires = DateTime.UtcNow.AddHours(2),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(JwtKey), SecurityAlgorithms.HmacSha256),
        });
    }

    public HttpClient Client(string? role = "supervisor")
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (role is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(role + "-1", role, role == "officer" ? "market" : null));
        }

        return client;
    }

    public static string NewCaseId() => Guid.NewGuid().ToString("N");
}
