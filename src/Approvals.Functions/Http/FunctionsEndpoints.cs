using System.Reflection;
using Approvals.Pipeline.Api;
using Approvals.Pipeline.Hosting;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Azure.Functions.Worker;

namespace Approvals.Functions.Http;

/// <summary>
/// The ASP.NET Core host's endpoints, built here from the same <c>Map*</c> calls (<see cref="PipelineComposition.MapApprovalsEndpoints"/>
/// and the health probes) but never served by routing: each HTTP trigger stands for exactly one of them, found by its
/// route template and method, and runs its request delegate — the very handler, parameter binding and metadata
/// (policy, tags, body limit) of the other host. A trigger whose route and method match no endpoint stops start-up.
/// </summary>
internal sealed class FunctionsEndpoints : IEndpointRouteBuilder
{
    private readonly List<EndpointDataSource> _sources = [];
    private readonly Lazy<IReadOnlyList<RouteEndpoint>> _endpoints;
    private readonly Lazy<IReadOnlyDictionary<string, Bound>> _byFunction;

    public FunctionsEndpoints(IServiceProvider services)
    {
        ServiceProvider = services;
        this.MapApprovalsEndpoints();
        this.MapApprovalsHealthChecks();
        // Data sources build their endpoints (and request delegates) on every read: once here.
        _endpoints = new(() => _sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>().ToList());
        _byFunction = new(() => Bind(Endpoints, HttpTriggerRoute.Of(typeof(FunctionsEndpoints).Assembly)));
    }

    public IServiceProvider ServiceProvider { get; }

    public ICollection<EndpointDataSource> DataSources => _sources;

    /// <summary>Every endpoint of the API and the probes.</summary>
    public IReadOnlyList<RouteEndpoint> Endpoints => _endpoints.Value;

    public IApplicationBuilder CreateApplicationBuilder() => new ApplicationBuilder(ServiceProvider);

    /// <summary>The endpoint an HTTP trigger function stands for.</summary>
    /// <exception cref="InvalidOperationException">The function is not an HTTP trigger of this app.</exception>
    public RouteEndpoint For(string functionName) => Find(functionName).Endpoint;

    /// <summary>
    /// Selects the endpoint of <paramref name="functionName"/> for the request, with its route values read from the
    /// path as ASP.NET Core routing would (the Functions host matched the same template already).
    /// </summary>
    public void Select(HttpContext context, string functionName)
    {
        var bound = Find(functionName);
        context.SetEndpoint(bound.Endpoint);
        context.Request.RouteValues.Clear();
        bound.Matcher.TryMatch(context.Request.Path, context.Request.RouteValues);
    }

    private Bound Find(string functionName) =>
        _byFunction.Value.TryGetValue(functionName, out var bound) ? bound : throw new InvalidOperationException($"'{functionName}' is not an HTTP trigger of this app.");

    /// <summary>A route template as both hosts compare it: no leading or trailing slash.</summary>
    public static string Normalise(string template) => template.Trim('/');

    /// <summary>The methods an endpoint answers; the health probes answer any method and are probed with GET.</summary>
    public static IReadOnlyList<string> MethodsOf(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [HttpMethods.Get];

    private static Dictionary<string, Bound> Bind(IReadOnlyList<RouteEndpoint> endpoints, IReadOnlyList<HttpTriggerRoute> triggers)
    {
        var bound = new Dictionary<string, Bound>(StringComparer.Ordinal);
        foreach (var trigger in triggers)
        {
            var matches = endpoints
                .Where(e => Normalise(e.RoutePattern.RawText ?? "") == Normalise(trigger.Route)
                    && trigger.Methods.All(m => MethodsOf(e).Contains(m, StringComparer.OrdinalIgnoreCase)))
                .ToList();
            if (matches.Count != 1)
            {
                throw new InvalidOperationException(
                    $"HTTP trigger '{trigger.Function}' ({string.Join(',', trigger.Methods)} {trigger.Route}) matches {matches.Count} endpoints of the API; it must stand for exactly one.");
            }

            bound[trigger.Function] = new(matches[0], new TemplateMatcher(new RouteTemplate(matches[0].RoutePattern), new RouteValueDictionary()));
        }

        return bound;
    }

    private sealed record Bound(RouteEndpoint Endpoint, TemplateMatcher Matcher);
}

/// <summary>An HTTP trigger function as declared by its attributes.</summary>
internal sealed record HttpTriggerRoute(string Function, IReadOnlyList<string> Methods, string Route)
{
    /// <summary>Every HTTP trigger function of <paramref name="assembly"/>.</summary>
    public static IReadOnlyList<HttpTriggerRoute> Of(Assembly assembly) =>
        assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => (Function: m.GetCustomAttribute<FunctionAttribute>(), Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)))
            .Where(f => f.Function is not null && f.Trigger is not null)
            .Select(f => new HttpTriggerRoute(f.Function!.Name, f.Trigger!.Methods ?? [], f.Trigger.Route ?? f.Function.Name))
            .ToList();
}
