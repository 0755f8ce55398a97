using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Approvals.Pipeline.Orchestrations;
using Approvals.Pipeline.Runtime;
using Approvals.Pipeline.Tests.Infra;
using Approvals.Pipeline.Tests.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Approvals.Pipeline.Tests.Functions;

/// <summary>
/// The published Functions app against the ASP.NET Core host: the same HTTP routes and methods (from the host's
/// endpoints and its OpenAPI document, against <c>functions.metadata</c>), the same orchestrators and activities
/// (<see cref="PipelineTasks"/>, which the ASP.NET Core host registers with DTFx), and <c>host.json</c> giving the
/// Functions host the Durable settings the ASP.NET Core host defaults to.
/// </summary>
[Collection(FunctionsCollection.Name)]
public sealed class FunctionsParityTests(FunctionsPublish published, PipelineApp app, ITestOutputHelper output) : IClassFixture<PipelineApp>
{
    [Fact]
    public void Publish_FunctionsApp_SucceedsWithMetadataHostJsonAndDurableExtension()
    {
        output.WriteLine($"dotnet publish src/Approvals.Functions: {published.Duration.TotalSeconds:F1} s");
        published.ExitCode.Should().Be(0, published.Log);
        published.Log.Should().NotContain(": error ");
        foreach (var file in new[] { "functions.metadata", "host.json", "extensions.json", "Approvals.Functions.dll", "Approvals.Pipeline.dll" })
        {
            File.Exists(Path.Combine(published.Output, file)).Should().BeTrue($"{file} is part of a deployable Functions app");
        }

        // The Functions host runs the same provider (and version) as the ASP.NET Core host's in-process runtime.
        var hostProvider = Path.Combine(published.Output, ".azurefunctions", "DurableTask.AzureStorage.dll");
        File.Exists(hostProvider).Should().BeTrue("the generated extension project brings the Durable extension and its Azure Storage provider");
        System.Reflection.AssemblyName.GetAssemblyName(hostProvider).Version
            .Should().Be(typeof(DurableTask.AzureStorage.AzureStorageOrchestrationService).Assembly.GetName().Version);
    }

    [Fact]
    public async Task FunctionsMetadata_HttpRoutes_EqualTheAspNetHostsEndpoints()
    {
        _ = app.CreateClient(); // starts the host
        var hostRoutes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => Approvals.Functions.Http.FunctionsEndpoints.MethodsOf(e).Select(m => Route(m, e.RoutePattern.RawText!)))
            .ToHashSet();
        var functionRoutes = published.HttpRoutes.Select(r => Route(r.Method, r.Route)).ToList();

        functionRoutes.Should().OnlyHaveUniqueItems("one trigger per route and method");
        functionRoutes.Should().BeEquivalentTo(hostRoutes, "a route served by one host must be served by the other, with the same method");
        await Task.CompletedTask;
    }

    [Fact]
    public async Task FunctionsMetadata_EveryOpenApiOperation_HasATrigger()
    {
        var document = await app.CreateClient().GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        var operations = document!["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => Route(o.Key, p.Key)))
            .ToList();
        var functionRoutes = published.HttpRoutes.Select(r => Route(r.Method, r.Route)).ToList();

        operations.Should().HaveCountGreaterThanOrEqualTo(19, "the contract of api.md alone has 19 operations");
        functionRoutes.Should().Contain(operations);
    }

    [Fact]
    public void FunctionsMetadata_HttpTriggerNames_AreTheEndpointNames()
    {
        _ = app.CreateClient();
        var named = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IEndpointNameMetadata>() is not null)
            .Select(e => (Name: e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName, Route: Route(Approvals.Functions.Http.FunctionsEndpoints.MethodsOf(e)[0], e.RoutePattern.RawText!)))
            .ToList();

        named.Should().NotBeEmpty();
        published.HttpRoutes.Select(r => (r.Name, Route: Route(r.Method, r.Route))).Should().Contain(named);
    }

    [Fact]
    public void FunctionsMetadata_DurableTriggers_ArePipelineTasks()
    {
        published.Triggered("orchestrationTrigger").Should().BeEquivalentTo(PipelineTasks.Orchestrators.Select(t => t.Name));
        published.Triggered("activityTrigger").Should().BeEquivalentTo(PipelineTasks.Activities.Select(t => t.Name));
        published.Functions.Select(f => (string)f["name"]!).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void HostJson_DurableSettings_EqualTheAspNetHostsDefaults()
    {
        var defaults = new DurableRuntimeOptions();
        var source = JsonNode.Parse(File.ReadAllText(Path.Combine(InfraModel.RepoRoot, "src", "Approvals.Functions", "host.json")))!;
        var durable = published.HostJson["extensions"]!["durableTask"]!;
        var storage = durable["storageProvider"]!;

        JsonNode.DeepEquals(published.HostJson, source).Should().BeTrue("the published host.json is the project's");
        ((string?)published.HostJson["extensions"]!["http"]!["routePrefix"]).Should().Be("", "both hosts serve /api/..., /healthz and /openapi/v1.json at the same paths");
        ((string?)storage["connectionName"]).Should().Be("AzureWebJobsStorage");

        // Every option of the local runtime: its host.json counterpart, or a reason why it has none.
        var expected = new Dictionary<string, (JsonNode? HostJson, object Default)>
        {
            [nameof(defaults.HubName)] = (durable["hubName"], defaults.HubName),
            [nameof(defaults.PartitionCount)] = (storage["partitionCount"], defaults.PartitionCount),
            [nameof(defaults.MaxQueuePollingInterval)] = (storage["maxQueuePollingInterval"], defaults.MaxQueuePollingInterval),
            [nameof(defaults.ControlQueueVisibilityTimeout)] = (storage["controlQueueVisibilityTimeout"], defaults.ControlQueueVisibilityTimeout),
            [nameof(defaults.WorkItemQueueVisibilityTimeout)] = (storage["workItemQueueVisibilityTimeout"], defaults.WorkItemQueueVisibilityTimeout),
            [nameof(defaults.ControlQueueBatchSize)] = (storage["controlQueueBatchSize"], defaults.ControlQueueBatchSize),
            [nameof(defaults.MaxConcurrentActivityFunctions)] = (durable["maxConcurrentActivityFunctions"], defaults.MaxConcurrentActivityFunctions),
            [nameof(defaults.MaxConcurrentOrchestratorFunctions)] = (durable["maxConcurrentOrchestratorFunctions"], defaults.MaxConcurrentOrchestratorFunctions),
            [nameof(defaults.ExtendedSessionsEnabled)] = (durable["extendedSessionsEnabled"], defaults.ExtendedSessionsEnabled),
            [nameof(defaults.ExtendedSessionIdleTimeoutInSeconds)] = (durable["extendedSessionIdleTimeoutInSeconds"], defaults.ExtendedSessionIdleTimeoutInSeconds),
        };
        string[] noCounterpart =
        [
            nameof(defaults.LeaseInterval), // host.json has no lease setting; the provider's default (30 s) is also ours
            nameof(defaults.WorkerEnabled), // the Functions host always runs a worker
            nameof(defaults.WorkerId), // the Functions host names its workers itself
        ];

        typeof(DurableRuntimeOptions).GetProperties().Where(p => p.CanWrite).Select(p => p.Name)
            .Should().BeEquivalentTo(expected.Keys.Concat(noCounterpart), "a new runtime option needs its host.json counterpart here");
        foreach (var (name, (node, value)) in expected)
        {
            node.Should().NotBeNull($"host.json sets {name}");
            Text(node!).Should().Be(Text(value), $"host.json's {name} is the ASP.NET Core host's default");
        }

        ((bool?)storage["useTablePartitionManagement"]).Should().BeTrue("partition leases in {hub}Partitions, as the local runtime keeps them (and /readyz reads them)");
    }

    [Fact]
    public void LocalSettingsSample_FunctionsShape_MatchesHostJson()
    {
        var sample = Approvals.Pipeline.Hosting.LocalSettings.Read(Path.Combine(InfraModel.RepoRoot, "local.settings.sample.json"));
        var durable = published.HostJson["extensions"]!["durableTask"]!;

        sample["FUNCTIONS_WORKER_RUNTIME"].Should().Be("dotnet-isolated", "func start needs it");
        sample["DurableTask:HubName"].Should().Be((string?)durable["hubName"], "the core and the Functions host name the same task hub");
        sample["DurableTask:PartitionCount"].Should().Be(Text(durable["storageProvider"]!["partitionCount"]!));
    }

    private static string Route(string method, string template) => method.ToUpperInvariant() + " " + template.Trim('/');

    private static string Text(object value) => value switch
    {
        JsonNode n when n.GetValueKind() == System.Text.Json.JsonValueKind.String => (string)n!,
        JsonNode n => n.ToJsonString(),
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };
}
