namespace Approvals.Pipeline.Departments.Workbench;

/// <summary>
/// The officer workbench (<c>/workbench</c>), an <see cref="Api.EmbeddedPage"/> over the department API. Beyond the
/// common policy it allows <c>blob:</c> frames and images: a material is fetched with the token and previewed from
/// memory, so no link to it ever carries a credential.
/// </summary>
internal sealed class WorkbenchPage() : Api.EmbeddedPage(ResourceName, "img-src 'self' data: blob:; frame-src blob:; object-src blob:")
{
    public const string ResourceName = "Approvals.Pipeline.Departments.workbench.html";
}

/// <summary>Maps <c>GET /workbench</c> (anonymous: the page holds no data; it calls the API with the pasted token).</summary>
internal static class WorkbenchRoutes
{
    public static IEndpointRouteBuilder MapWorkbench(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/workbench", (WorkbenchPage page, HttpContext context) => page.Serve(context)).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }
}
