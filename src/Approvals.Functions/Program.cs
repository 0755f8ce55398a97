using Approvals.Functions.Hosting;
using Approvals.Functions.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;

namespace Approvals.Functions;

/// <summary>The worker's entry point: the Functions host starts it and talks to it over gRPC.</summary>
internal static class Program
{
    public static void Main(string[] args) => CreateBuilder(args).Build().Run();

    /// <summary>The worker's builder, fully composed (tests add their fakes, build it and resolve services; only the Functions host can start it).</summary>
    public static FunctionsApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        // After the ASP.NET Core integration's middleware, which puts the HttpContext on the function context (the
        // builder applies each registration at once, so the order of these calls is the order of the middleware).
        builder.UseMiddleware<HttpEndpointMiddleware>();
        builder.AddApprovalsFunctions();
        return builder;
    }
}
