extern alias host;

using System.Security.Cryptography;
using Approvals.Licensing.Catalogue;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Approvals.Bench.Pipeline;

/// <summary>
/// The app (src/Approvals.Host) in this process on a real Kestrel socket (so the storage request counter is
/// readable), on its own table prefix and task hub, with a four-department auto-accepting licence type whose
/// departments are told of their tasks by webhook (the simulated back offices). The Durable runtime runs with the
/// app's defaults (<c>DurableRuntimeOptions</c>) except where <paramref name="durable"/> says otherwise.
/// </summary>
internal sealed class BenchApp(string hookBaseUrl, string storage, IReadOnlyDictionary<string, string> durable, LogLevel? runtimeLog) : WebApplicationFactory<host::Program>
{
    public const string TypeId = "bench-permit";
    public static readonly string[] Departments = ["market-supervision", "health", "fire-rescue", "ecology-environment"];
    private const string Issuer = "approvals-bench";
    private static readonly byte[] JwtKey = RandomNumberGenerator.GetBytes(32);
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..10];

    public static string SecretOf(string department) => "whsec_" + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("bench-" + department + "-secret-0123456789"));

    public static string Token(string subject) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Issuer,
        Claims = new Dictionary<string, object> { ["sub"] = subject, ["role"] = "applicant" },
        Expires = DateTime.UtcNow.AddHours(1),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(JwtKey), SecurityAlgorithms.HmacSha256),
    });

    /// <summary>The app's table prefix.</summary>
    public string Prefix => "b" + _suffix;

    /// <summary>The task hub: prefix of the Durable provider's tables and queues.</summary>
    public string HubName => "h" + _suffix;

    /// <summary>The factory finds the app's content root from this variable (there is no test-project mapping here).</summary>
    public static void SetContentRoot() =>
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_APPROVALS_HOST", Path.Combine(Shared.Machine.RepositoryRoot(), "src", "Approvals.Host"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        UseKestrel(0);
        builder.UseEnvironment("Benchmark");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storage,
            ["DurableTask:HubName"] = HubName,
            ["Approvals:TablePrefix"] = Prefix,
            ["Licensing:SigningKeyPem"] = key.ExportPkcs8PrivateKeyPem(),
            ["Licensing:SigningKeyId"] = "bench",
            ["Authentication:Schemes:Bearer:ValidIssuer"] = Issuer,
            ["Authentication:Schemes:Bearer:ValidAudiences:0"] = Issuer,
            ["Authentication:Schemes:Bearer:SigningKeys:0:Issuer"] = Issuer,
            ["Authentication:Schemes:Bearer:SigningKeys:0:Value"] = Convert.ToBase64String(JwtKey),
            // The simulated clients poll status as fast as they can; the app's per-client limits are not what is measured.
            ["RateLimiting:ApplicantPermitsPerMinute"] = "1000000",
            ["RateLimiting:PublicPermitsPerMinute"] = "1000000",
        };
        foreach (var d in Departments.Append("service-centre"))
        {
            settings[$"Departments:{d}:CallbackSecret"] = SecretOf(d);
        }

        foreach (var d in Departments)
        {
            settings[$"Departments:{d}:WebhookUrl"] = $"{hookBaseUrl}/hooks/{d}";
        }

        foreach (var (name, value) in durable)
        {
            settings["DurableTask:" + name] = value;
        }

        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings));
        builder.ConfigureLogging(l =>
        {
            l.ClearProviders().SetMinimumLevel(LogLevel.Warning);
            if (runtimeLog is { } level)
            {
                // Only the runtime's own logs (DTFx and its provider): why a queue stalled, a lease moved, a message came back.
                l.SetMinimumLevel(level).AddFilter((category, l) => category?.StartsWith("DurableTask", StringComparison.Ordinal) == true && l >= level)
                    .AddSimpleConsole(o => (o.SingleLine, o.TimestampFormat) = (true, "HH:mm:ss.fff "));
            }
        });
        builder.ConfigureTestServices(s => s.AddSingleton(Catalogue()));
    }

    private static LicenceCatalogue Catalogue() => LicenceCatalogue.Load(
    [
        ("departments.json", """
            { "kind": "department-directory", "version": "2025.1", "departments": [
              { "id": "service-centre", "name": "政务服务中心" }, { "id": "market-supervision", "name": "市场监督管理局" },
              { "id": "health", "name": "卫生健康委员会" }, { "id": "fire-rescue", "name": "消防救援支队" },
              { "id": "ecology-environment", "name": "生态环境局" } ] }
            """),
        ("bench-permit.json", """
            { "kind": "licence-type", "id": "bench-permit", "name": "并联审批压测许可", "version": "2026.1", "code": "BP", "jurisdiction": "CN",
              "legalLimitWorkingDays": 20, "promisedLimitWorkingDays": 12, "followUpWorkingDays": 3,
              "serviceCentre": { "departmentId": "service-centre", "mode": "auto-accept", "limitWorkingDays": 1 },
              "departments": [
                { "departmentId": "market-supervision", "role": "lead", "limitWorkingDays": 10 },
                { "departmentId": "health", "role": "co-handling", "limitWorkingDays": 8 },
                { "departmentId": "fire-rescue", "role": "co-handling", "limitWorkingDays": 8 },
                { "departmentId": "ecology-environment", "role": "co-handling", "limitWorkingDays": 8 } ],
              "formFields": [
                { "id": "scope", "name": "经营范围", "type": "string", "required": true, "maxLength": 200 },
                { "id": "address", "name": "经营场所", "type": "string", "required": true, "maxLength": 200 } ],
              "materials": [
                { "id": "application-form", "name": "申请书", "required": true, "allowedContentTypes": [ "application/pdf" ], "maxBytes": 1048576 },
                { "id": "site-photo", "name": "场所照片", "required": true, "allowedContentTypes": [ "image/png", "image/jpeg" ], "maxBytes": 1048576 } ] }
            """),
    ]);
}
