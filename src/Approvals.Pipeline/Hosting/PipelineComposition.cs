using System.Text.Json.Serialization;
using Approvals.Pipeline.Api;
using Approvals.Pipeline.Applicants;
using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Catalogue;
using Approvals.Pipeline.Departments;
using Approvals.Pipeline.Identity;
using Approvals.Pipeline.Licences;
using Approvals.Pipeline.Materials;
using Approvals.Pipeline.Orchestrations;
using Approvals.Pipeline.Runtime;
using Approvals.Pipeline.Storage;
using Approvals.Pipeline.Supervision;
using Approvals.Licensing.Calendar;
using Approvals.Licensing.Catalogue;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Approvals.Pipeline.Hosting;

/// <summary>The composition root of the pipeline: the Durable runtime, stores, services, endpoints — what both hosts register.</summary>
internal static class PipelineComposition
{
    public static IHostApplicationBuilder AddApprovalsPipeline(this IHostApplicationBuilder builder)
    {
        builder.AddApprovalsServices();
        builder.Services.AddDurableRuntime();
        return builder;
    }

    /// <summary>
    /// Everything of the pipeline but the Durable runtime: the Functions app registers these and gets the runtime
    /// from the Functions host (and its durable client from <c>[DurableClient]</c>).
    /// </summary>
    public static IHostApplicationBuilder AddApprovalsServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // The host registers the storage connection from AzureWebJobsStorage; this is only the fallback for hosts without it.
        services.TryAddSingleton(_ => StorageConnection.Create(builder.Configuration["AzureWebJobsStorage"]));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => LicenceCatalogue.LoadEmbedded());
        services.TryAddSingleton(_ => CalendarRegistry.LoadEmbedded());
        services.AddSingleton<CaseClocks>();
        services.AddSingleton<PipelineStorage>();
        services.AddSingleton<SequenceAllocator>();
        services.AddSingleton<CaseStore>();
        services.AddSingleton<InboxStore>();
        services.TryAddSingleton<TableBatchers>();
        services.AddSingleton<DraftService>();
        services.AddSingleton<MaterialUploader>();
        services.AddSingleton<DepartmentDirectory>();
        services.AddSingleton<PublicUrls>();
        services.AddSingleton<LicenceKeys>();
        services.AddSingleton<LicenceIssuer>();
        services.AddSingleton<CaseJournal>();
        services.AddSingleton<PipelineServices>();
        services.AddHttpClient(WebhookSender.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<WebhookSender>();
        services.AddDepartments();
        services.AddSupervision();
        services.AddApprovalsIdentity();
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        return builder;
    }

    public static WebApplication MapApprovalsApi(this WebApplication app)
    {
        app.MapApprovalsEndpoints();
        return app;
    }

    /// <summary>Every route of the API (not the health probes, which hosting maps): one list both hosts serve.</summary>
    public static IEndpointRouteBuilder MapApprovalsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi();
        app.MapCatalogueApi();
        app.MapApplicationsApi();
        app.MapMaterialsApi();
        app.MapLicencesApi();
        app.MapDepartmentsApi();
        app.MapSupervisionApi();
        return app;
    }
}
