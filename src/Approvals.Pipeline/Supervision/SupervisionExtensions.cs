using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Approvals.Pipeline.Supervision;

/// <summary>Registration and routes of electronic supervision (电子监察) and the public register.</summary>
internal static class SupervisionExtensions
{
    /// <summary>Registers the recorder and its stores (singletons). Needs a StorageConnection and a TimeProvider in DI.</summary>
    public static IServiceCollection AddSupervision(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SupervisionStorage>();
        services.TryAddSingleton<TimelineAnchors>();
        services.TryAddSingleton<TimelineStore>();
        services.TryAddSingleton<AlertStore>();
        services.TryAddSingleton<StatsStore>();
        services.TryAddSingleton<Storage.TableBatchers>();
        services.TryAddSingleton<ComplaintStore>();
        services.TryAddSingleton<PublicRegister>();
        services.TryAddSingleton<SupervisionRecorder>();
        services.TryAddSingleton<DashboardPage>();
        return services;
    }

    /// <summary>
    /// Maps <c>/api/supervision/**</c> (policy <c>supervisor</c>), <c>/api/public/register</c> (anonymous) and the
    /// dashboard page <c>/supervision</c> (anonymous: the page holds no data; it calls the API with the pasted token).
    /// </summary>
    public static IEndpointRouteBuilder MapSupervisionApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapSupervisorRoutes();
        endpoints.MapPublicRegisterRoutes();
        endpoints.MapDashboard();
        return endpoints;
    }
}
