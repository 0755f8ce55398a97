namespace Approvals.Functions.Hosting;

/// <summary>Cross-cutting host concerns: options validation, storage clients, telemetry, health, abuse limits.</summary>
internal static class HostingExtensions
{
    public static WebApplicationBuilder AddApprovalsHosting(this WebApplicationBuilder builder) => builder;

    public static WebApplication UseApprovalsHosting(this WebApplication app) => app;
}
