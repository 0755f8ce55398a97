using Approvals.Pipeline.Storage;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Approvals.Pipeline.Hosting;

/// <summary>
/// Cross-cutting host concerns: configuration validated at start-up, the storage connection, telemetry, health
/// probes, problem documents for every error, request body limits and per-client rate limits.
/// </summary>
internal static class HostingExtensions
{
    public static WebApplicationBuilder AddApprovalsHosting(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<HostingOptions>().Bind(builder.Configuration).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HostingOptions>, ConfigurationValidator>();

        // A connection string (Azurite, or keys where a platform insists) or an account URI with the managed identity.
        services.AddSingleton(_ => StorageConnection.Create(builder.Configuration[RequiredSettings.Storage]));
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<HostingOptions>>((k, h) => k.Limits.MaxRequestBodySize = h.Value.Limits.MaxRequestBodyBytes);

        // Exporters are wired while the builder runs, so they follow the settings present then (environment, app
        // settings, local.settings.json); everything else reads the options at start-up.
        var telemetry = new TelemetryOptions();
        builder.Configuration.GetSection("Telemetry").Bind(telemetry);
        builder.AddApprovalsTelemetry(telemetry);
        services.AddApprovalsHealthChecks();
        services.AddApprovalsProblemDetails();
        services.AddApprovalsRateLimits();
        services.AddOpenApiLimits();
        return builder;
    }

    public static WebApplication UseApprovalsHosting(this WebApplication app)
    {
        var limits = app.Services.GetRequiredService<IOptions<HostingOptions>>().Value.Limits;
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseAuthentication();
        app.UseCaseLogScope();
        app.UseRequestBodyLimits(limits.MaxRequestBodyBytes);
        app.UseRateLimiter(); // after authentication (applicants are limited by who they are), before authorisation (floods of refused requests count too)
        app.UseAuthorization();
        app.MapApprovalsHealthChecks();
        return app;
    }
}
