using Approvals.Functions.Http;
using Approvals.Pipeline.Api;
using Approvals.Pipeline.Hosting;
using Approvals.Pipeline.Runtime;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Approvals.Functions.Hosting;

/// <summary>
/// The Functions app's services: the shared core's registrations (<see cref="HostingExtensions.AddApprovalsHosting"/>:
/// start-up validation, storage clients, OpenTelemetry, health, problem documents, rate and body limits;
/// <see cref="PipelineComposition.AddApprovalsServices"/>: stores, handlers' services, identity, OpenAPI) without the
/// in-process Durable runtime — the Functions host runs it — plus the endpoint table the HTTP triggers stand for.
/// </summary>
internal static class FunctionsComposition
{
    public static FunctionsApplicationBuilder AddApprovalsFunctions(this FunctionsApplicationBuilder builder)
    {
        builder.Configuration.AddFunctionsSettings();
        builder.AddApprovalsHosting();
        builder.AddApprovalsServices();

        var services = builder.Services;
        services.AddRouting();
        // Hub name and partitions as the shared code reads them (probes, queue-depth gauge); host.json gives the same
        // values to the Functions host (a test keeps them equal).
        services.AddOptions<DurableRuntimeOptions>().BindConfiguration("DurableTask").ValidateDataAnnotations().ValidateOnStart();
        services.Configure<HealthCheckServiceOptions>(o =>
        {
            var local = o.Registrations.Single(r => r.Name == "durable");
            o.Registrations.Remove(local);
            o.Registrations.Add(new HealthCheckRegistration(local.Name, sp => ActivatorUtilities.CreateInstance<TaskHubHealthCheck>(sp), null, local.Tags));
        });

        services.AddSingleton<FunctionsEndpoints>();
        // The OpenAPI document describes the endpoints of this table, as the ASP.NET Core host's describes its own.
        services.AddSingleton<EndpointDataSource>(sp => new CompositeEndpointDataSource(sp.GetRequiredService<FunctionsEndpoints>().DataSources));
        services.AddSingleton<HttpPipeline>();
        services.AddScoped<DurableClientAccessor>();
        services.AddScoped(sp => sp.GetRequiredService<DurableClientAccessor>().Client
            ?? throw new InvalidOperationException("No durable client in this invocation: give the HTTP trigger a [DurableClient] DurableTaskClient parameter."));
        return builder;
    }
}
