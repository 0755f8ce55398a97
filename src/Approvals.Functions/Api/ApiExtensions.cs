namespace Approvals.Functions.Api;

/// <summary>The approval pipeline: engine registration, orchestrations, endpoints.</summary>
internal static class ApiExtensions
{
    public static WebApplicationBuilder AddApprovalsPipeline(this WebApplicationBuilder builder) => builder;

    public static WebApplication MapApprovalsApi(this WebApplication app)
    {
        app.MapGet("/", () => "Approvals");
        return app;
    }
}
