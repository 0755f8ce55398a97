using System.Text.Json.Serialization;
using Approvals.Durable;
using Approvals.Durable.Storage;
using Approvals.Functions.Applicants;
using Approvals.Functions.Cases;
using Approvals.Functions.Catalogue;
using Approvals.Functions.Departments;
using Approvals.Functions.Identity;
using Approvals.Functions.Licences;
using Approvals.Functions.Materials;
using Approvals.Functions.Orchestrations;
using Approvals.Functions.Storage;
using Approvals.Functions.Supervision;
using Approvals.Licensing.Calendar;
using Approvals.Licensing.Catalogue;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Approvals.Functions.Api;

/// <summary>The approval pipeline: engine registration, orchestrations, endpoints.</summary>
internal static class ApiExtensions
{
    public static WebApplicationBuilder AddApprovalsPipeline(this WebApplicationBuilder builder)
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
        services.AddSupervision();
        services.AddApprovalsIdentity();
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        // A case's steps are human-paced: its engine commits may wait 100 ms for others to share a transaction (fewer
        // storage round-trips at moderate load); DurableTask__CommitLinger overrides it.
        services.AddOptions<DurableTaskOptions>().Configure(o => o.CommitLinger = TimeSpan.FromMilliseconds(100)).BindConfiguration("DurableTask");
        services.AddDurableTask(r => r
            .AddOrchestrator<LicenceApproval>()
            .AddOrchestrator<DepartmentReview>()
            .AddActivity<CaseActivities.BeginCase>()
            .AddActivity<CaseActivities.AcceptCase>()
            .AddActivity<CaseActivities.RefuseCase>()
            .AddActivity<CaseActivities.WithdrawCase>()
            .AddActivity<CaseActivities.CheckCaseClock>()
            .AddActivity<ReviewActivities.OpenTask>()
            .AddActivity<ReviewActivities.RecordDecision>()
            .AddActivity<ReviewActivities.CancelTask>()
            .AddActivity<ReviewActivities.RaiseStepAlert>()
            .AddActivity<ReviewActivities.PauseStep>()
            .AddActivity<ReviewActivities.ResumeStep>()
            .AddActivity<IssuanceActivities.CompleteCase>()
            .AddActivity<WebhookActivities.NotifyDepartment>()
            .AddActivity<WebhookActivities.RecordWebhookFailure>());
        return builder;
    }

    public static WebApplication MapApprovalsApi(this WebApplication app)
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
