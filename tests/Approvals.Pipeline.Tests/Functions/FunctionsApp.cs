using System.Reflection;
using System.Text;
using Approvals.Functions.Http;
using Approvals.Pipeline.Tests.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Approvals.Pipeline.Tests.Functions;

/// <summary>
/// The Functions worker built (not started: only the Functions host can start it) with the settings, catalogue and
/// clock of a <see cref="PipelineApp"/>, so both hosts share one storage and task hub. Requests go through what
/// the Functions host would call for an HTTP trigger: <see cref="HttpEndpointMiddleware"/>'s endpoint selection and
/// shared pipeline, then the trigger method itself (found by its <c>[Function]</c> name), with the durable client a
/// <c>[DurableClient]</c> binding would give.
/// </summary>
internal sealed class FunctionsApp : IDisposable
{
    private static readonly Dictionary<string, MethodInfo> Triggers = typeof(FunctionsEndpoints).Assembly.GetTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
        .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
        .ToDictionary(m => m.GetCustomAttribute<FunctionAttribute>()!.Name, StringComparer.Ordinal);

    private readonly IHost _host;

    public FunctionsApp(PipelineApp app)
    {
        var builder = Approvals.Functions.Program.CreateBuilder([]);
        // As the ASP.NET Core host of the fixture (AZURE_FUNCTIONS_ENVIRONMENT would be process-wide).
        builder.Environment.EnvironmentName = app.EnvironmentName;
        builder.Configuration.AddInMemoryCollection(app.AppSettings);
        builder.Services.AddSingleton<TimeProvider>(app.Time);
        builder.Services.AddSingleton(TestCatalogue.Load());
        _host = builder.Build();
    }

    public IServiceProvider Services => _host.Services;

    public FunctionsEndpoints Endpoints => Services.GetRequiredService<FunctionsEndpoints>();

    /// <summary>Sends one request to the HTTP trigger <paramref name="function"/>; <paramref name="client"/> stands for its <c>[DurableClient]</c>.</summary>
    public async Task<Answer> SendAsync(string function, string method, string path, string? token = null, string? json = null,
        DurableTaskClient? client = null, long? contentLength = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = method;
        var query = path.IndexOf('?', StringComparison.Ordinal);
        context.Request.Path = query < 0 ? path : path[..query];
        context.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(path[query..]);
        if (token is not null)
        {
            context.Request.Headers.Authorization = "Bearer " + token;
        }

        if (json is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            context.Request.ContentType = "application/json";
            context.Request.Body = new MemoryStream(bytes);
            context.Request.ContentLength = bytes.Length;
            context.Features.Set<IHttpRequestBodyDetectionFeature>(new HasBody()); // as Kestrel says for a request with a body
        }

        if (contentLength is not null)
        {
            context.Request.ContentLength = contentLength;
        }

        var body = new MemoryStream();
        context.Response.Body = body;

        Endpoints.Select(context, function);
        await Services.GetRequiredService<HttpPipeline>().RunAsync(context, () => InvokeAsync(function, context.Request, client));
        return new Answer(context.Response.StatusCode, context.Response.ContentType, Encoding.UTF8.GetString(body.ToArray()));
    }

    public void Dispose() => _host.Dispose();

    private static Task InvokeAsync(string function, HttpRequest request, DurableTaskClient? client)
    {
        var method = Triggers[function];
        var args = method.GetParameters().Select(p => p.ParameterType == typeof(HttpRequest) ? request : (object?)client).ToArray();
        return (Task)method.Invoke(null, args)!;
    }

    internal sealed record Answer(int Status, string? ContentType, string Body);

    private sealed class HasBody : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => true;
    }
}
