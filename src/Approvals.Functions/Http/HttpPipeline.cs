using Approvals.Pipeline.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.DurableTask.Client;

namespace Approvals.Functions.Http;

/// <summary>
/// The ASP.NET Core host's request pipeline (<see cref="HostingExtensions.UseApprovalsErrorHandling"/> and
/// <see cref="HostingExtensions.UseApprovalsRequestPolicies"/>: problem documents, JWT identity, body and rate
/// limits, authorisation by the endpoint's policy) run around an HTTP trigger function, whose body is the terminal:
/// a refused request never reaches the function.
/// </summary>
internal sealed class HttpPipeline
{
    private readonly RequestDelegate _pipeline;

    public HttpPipeline(IServiceProvider services)
    {
        var app = new ApplicationBuilder(services);
        app.UseApprovalsErrorHandling();
        app.UseApprovalsRequestPolicies();
        app.Run(context => context.Features.GetRequiredFeature<FunctionBody>().Run());
        _pipeline = app.Build();
    }

    /// <summary>Runs the pipeline for a request whose endpoint is already selected; <paramref name="body"/> is the function.</summary>
    public Task RunAsync(HttpContext context, Func<Task> body)
    {
        context.Features.Set(new FunctionBody(body));
        return _pipeline(context);
    }

    private sealed record FunctionBody(Func<Task> Run);
}

/// <summary>
/// Worker middleware for HTTP triggers: selects the endpoint the function stands for and runs the shared pipeline
/// with the function as its last step. Orchestration and activity triggers pass straight through.
/// </summary>
internal sealed class HttpEndpointMiddleware(FunctionsEndpoints endpoints, HttpPipeline pipeline) : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is not { } http)
        {
            return next(context);
        }

        endpoints.Select(http, context.FunctionDefinition.Name);
        return pipeline.RunAsync(http, () => next(context));
    }
}

/// <summary>
/// The durable client of the current invocation, bound by <c>[DurableClient]</c>: handlers take a
/// <see cref="DurableTaskClient"/> from the request services, as on the ASP.NET Core host.
/// </summary>
internal sealed class DurableClientAccessor
{
    public DurableTaskClient? Client { get; set; }
}

/// <summary>The body of every HTTP trigger: the request delegate of the endpoint the middleware selected.</summary>
internal static class EndpointCall
{
    /// <summary>
    /// Runs the endpoint, which writes the whole response. The triggers return an <see cref="IActionResult"/>, the
    /// documented return of ASP.NET Core integration triggers (it gives them the usual <c>$return</c> http binding),
    /// and it is an empty one: the response is already written.
    /// </summary>
    public static async Task<IActionResult> RunAsync(HttpRequest request, DurableTaskClient? client = null)
    {
        var context = request.HttpContext;
        if (client is not null)
        {
            context.RequestServices.GetRequiredService<DurableClientAccessor>().Client = client;
        }

        var endpoint = context.GetEndpoint() ?? throw new InvalidOperationException("No endpoint selected: HttpEndpointMiddleware did not run for this function.");
        await endpoint.RequestDelegate!(context);
        return Responded;
    }

    private static readonly EmptyResult Responded = new();
}
