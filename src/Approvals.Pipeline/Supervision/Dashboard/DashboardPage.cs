namespace Approvals.Pipeline.Supervision;

/// <summary>The supervision dashboard (<c>/supervision</c>), an <see cref="Api.EmbeddedPage"/>.</summary>
internal sealed class DashboardPage() : Api.EmbeddedPage(ResourceName, "img-src 'self' data:")
{
    public const string ResourceName = "Approvals.Pipeline.Supervision.dashboard.html";
}

/// <summary>Maps <c>GET /supervision</c>.</summary>
internal static class DashboardRoutes
{
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/supervision", (DashboardPage page, HttpContext context) => page.Serve(context)).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }
}
