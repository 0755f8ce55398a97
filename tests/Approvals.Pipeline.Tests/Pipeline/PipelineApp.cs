using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.DurableTask.Client;
using Approvals.Pipeline.Storage;
using Approvals.Licensing.Catalogue;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Approvals.Pipeline.Tests.Pipeline;

/// <summary>
/// The function app in process against Azurite, one per test class: its own table prefix and task hub, a fake
/// clock that the orchestrations' licensing clock follows (<see cref="AdvanceAsync"/>), the test catalogue, a symmetric JWT key (tokens minted by
/// <see cref="Token"/>) and a callback secret per department.
/// </summary>
public class PipelineApp : WebApplicationFactory<Program>
{
    /// <summary>Monday 23 November 2026, 09:00 in Shanghai: an ordinary working day.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 1, 0, 0, TimeSpan.Zero);

    public const string Issuer = "approvals-tests";
    public const string Audience = "approvals";
    private static readonly byte[] JwtKey = RandomNumberGenerator.GetBytes(32);

    /// <summary>The tests' token signing key, as the host's <c>SigningKeys__0__Value</c> setting takes it.</summary>
    public static string JwtKeyBase64 => Convert.ToBase64String(JwtKey);

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..10];

    public TestClock Time { get; } = new(Start);

    public string TablePrefix => "t" + _suffix;

    public string HubName => "h" + _suffix;

    public static string SecretOf(string departmentId) => "whsec_" + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("secret-of-" + departmentId + "-0123456789"));

    /// <summary>The host environment (Production turns on the production-only required settings).</summary>
    public string EnvironmentName { get; set; } = "Testing";

    /// <summary>Extra settings a test class needs (e.g. a webhook URL).</summary>
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.OrdinalIgnoreCase);

    internal PipelineStorage Storage => Services.GetRequiredService<PipelineStorage>();

    public DurableTaskClient Engine => Services.GetRequiredService<DurableTaskClient>();

    public static string Token(string subject, string role, string? department = null) => Token(subject, role, department, null);

    /// <summary>A token with more claims (e.g. <c>lead_department</c> for a department lead; an array value is a repeated claim).</summary>
    public static string Token(string subject, string role, string? department, IReadOnlyDictionary<string, object>? extra)
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject, ["role"] = role };
        foreach (var (name, value) in extra ?? new Dictionary<string, object>())
        {
            claims[name] = value;
        }

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

    /// <summary>The app's settings (also given to the Functions app's in-process tests, which share its storage).</summary>
    public IReadOnlyDictionary<string, string?> AppSettings => _appSettings ??= BuildSettings();

    private Dictionary<string, string?>? _appSettings;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        var settings = AppSettings;
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings));
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureTestServices(s =>
        {
            s.AddSingleton<TimeProvider>(Time);
            s.AddSingleton(TestCatalogue.Load());
        });
    }

    private Dictionary<string, string?> BuildSettings()
    {
        using var signingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["DurableTask:HubName"] = HubName,
            ["DurableTask:PartitionCount"] = "2",
            ["Approvals:TablePrefix"] = TablePrefix,
            ["Approvals:PublicBaseUrl"] = "http://localhost",
            ["Licensing:SigningKeyPem"] = signingKey.ExportPkcs8PrivateKeyPem(),
            ["Licensing:SigningKeyId"] = "test-" + _suffix,
            ["Authentication:Schemes:Bearer:ValidIssuer"] = Issuer,
            ["Authentication:Schemes:Bearer:ValidAudiences:0"] = Audience,
            ["Authentication:Schemes:Bearer:SigningKeys:0:Issuer"] = Issuer,
            ["Authentication:Schemes:Bearer:SigningKeys:0:Value"] = Convert.ToBase64String(JwtKey),
            // Tests poll case status in tight loops; the limits themselves are tested with low values (HostingTests).
            ["RateLimiting:ApplicantPermitsPerMinute"] = "1000000",
            ["RateLimiting:PublicPermitsPerMinute"] = "1000000",
        };
        foreach (var d in TestCatalogue.Departments.Append("service-centre"))
        {
            settings[$"Departments:{d}:CallbackSecret"] = SecretOf(d);
        }

        foreach (var (k, v) in Settings)
        {
            settings[k] = v;
        }

        return settings;
    }

    /// <summary>
    /// Moves the fake clock on and tells every running orchestration of this app's task hub (test-only
    /// <c>ClockShifted</c> event): their licensing-clock timers re-arm, so working days pass without waiting.
    /// </summary>
    public async Task AdvanceAsync(TimeSpan delta)
    {
        if (delta <= TimeSpan.Zero)
        {
            return;
        }

        Time.Advance(delta);
        var shift = global::Approvals.Pipeline.Orchestrations.OrchestrationClock.ShiftOf(Time);
        var running = new OrchestrationQuery(Statuses: [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending]);
        await foreach (var instance in Engine.GetAllInstancesAsync(running))
        {
            await Engine.RaiseEventAsync(instance.InstanceId, global::Approvals.Pipeline.Orchestrations.EventNames.ClockShifted,
                new global::Approvals.Pipeline.Orchestrations.ClockShiftedEvent(shift));
        }
    }

    /// <summary>Moves the fake clock on to <paramref name="at"/> (see <see cref="AdvanceAsync(TimeSpan)"/>).</summary>
    public Task AdvanceToAsync(DateTimeOffset at) => AdvanceAsync(at - Time.GetUtcNow());

    /// <summary>An HTTP client carrying an applicant token.</summary>
    public HttpClient Applicant(string subject)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Token(subject, "applicant"));
        return client;
    }

    public HttpClient Officer(string department)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Token("officer-" + department, "officer", department));
        return client;
    }
}

/// <summary>
/// The same app on a real Kestrel socket: the in-memory TestServer copies request bodies, which would hide (or
/// fake) the streaming behaviour the large-upload test measures.
/// </summary>
public sealed class KestrelPipelineApp : PipelineApp
{
    public KestrelPipelineApp() => UseKestrel(0);
}
