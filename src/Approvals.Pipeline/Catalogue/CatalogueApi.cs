using Approvals.Pipeline.Api;
using Approvals.Licensing.Catalogue;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Approvals.Pipeline.Catalogue;

/// <summary>The public catalogue (事项目录): what can be applied for, with checklists, departments and time limits.</summary>
internal static class CatalogueApi
{
    public static IEndpointRouteBuilder MapCatalogueApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/licence-types").WithTags("Public").AllowAnonymous();
        group.MapGet("/", List).WithName("ListLicenceTypes");
        group.MapGet("/{typeId}", Get).WithName("GetLicenceType");
        return routes;
    }

    public static Ok<IReadOnlyList<LicenceType>> List(LicenceCatalogue catalogue) => TypedResults.Ok(catalogue.All);

    public static Results<Ok<LicenceType>, ProblemHttpResult> Get(string typeId, string? version, LicenceCatalogue catalogue) =>
        (version is null ? catalogue.Find(typeId) : catalogue.Find(typeId, version)) is { } type
            ? TypedResults.Ok(type)
            : Problems.NotFound("Licence type");
}
