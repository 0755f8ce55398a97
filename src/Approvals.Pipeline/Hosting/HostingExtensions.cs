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
    public static IHostApplicationBuilder AddApprovalsHosting(this IHostApplicationBuilder builder)
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
        app.UseApprovalsErrorHandling();
        app.UseRouting();
        app.UseApprovalsRequestPolicies();
        app.MapApprovalsHealthChecks();
        return app;
    }

    /// <summary>
    /// Problem documents for unhandled exceptions and for empty-bodied error statuses. Shared by both hosts: the
    /// Functions app runs it (with <see cref="UseApprovalsRequestPolicies"/>) inside each HTTP trigger, in front of
    /// the endpoint the trigger stands for.
    /// </summary>
    public static IApplicationBuilder UseApprovalsErrorHandling(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>
    /// What every request passes after its endpoint is known: identity, the case log scope, body limits, rate limits
    /// and authorisation by the endpoint's policy. Shared by both hosts (see <see cref="UseApprovalsErrorHandling"/>).
    /// </summary>
    public static IApplicationBuilder UseApprovalsRequestPolicies(this IApplicationBuilder app)
    {
        var limits = app.ApplicationServices.GetRequiredService<IOptions<HostingOptions>>().Value.Limits;
        app.UseAuthentication();
        app.UseCaseLogScope();
        app.UseRequestBodyLimits(limits.MaxRequestBodyBytes);
        app.UseRateLimiter(); // after authentication (applicants are limited by who they are), before authorisation (floods of refused requests count too)
        app.UseAuthorization();
        return app;
    }
}
