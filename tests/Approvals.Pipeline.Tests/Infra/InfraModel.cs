using System.Text.Json.Nodes;

namespace Approvals.Pipeline.Tests.Infra;

/// <summary>
/// The infrastructure as the Bicep CLI sees it, computed once for the infra tests: <c>bicep build</c> (ARM JSON) and
/// <c>bicep lint</c> of <c>infra/</c>, and for each test parameter file — <c>main.test.bicepparam</c> (the Functions
/// app, <see cref="Functions"/>) and <c>main.selfhost.test.bicepparam</c> (the container app, <see cref="SelfHost"/>) —
/// <c>bicep build-params</c> and a deployment <c>snapshot</c>, which evaluates every expression that does not need
/// Azure (names, loops, conditions, parameters) and flattens the modules into the resources a deployment would create.
/// The members without a deployment in their name (<see cref="Resources"/>, <see cref="ContainerApp"/>,
/// <see cref="Env"/>…) read the self-hosting one, where the container app is. Runs on a copy of <c>infra/</c> so the
/// snapshot files never land in the work tree.
/// </summary>
public sealed class InfraModel : IAsyncLifetime
{
    public const string FunctionsParameterFile = "main.test.bicepparam";
    public const string SelfHostParameterFile = "main.selfhost.test.bicepparam";

    public const string Audience = "api://approvals-drift-test";
    private const string SubscriptionId = "00000000-0000-0000-0000-0000000000a1";
    private const string TenantId = "00000000-0000-0000-0000-0000000000b2";

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("approvals-infra-");

    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Every CLI run, for the no-diagnostics test.</summary>
    public List<(string Command, BicepResult Result)> Runs { get; } = [];

    public JsonObject Template { get; private set; } = new();

    public string TemplateText { get; private set; } = "";

    /// <summary>The serverless test deployment (main.test.bicepparam).</summary>
    public Deployment Functions { get; private set; } = Deployment.Empty;

    /// <summary>The self-hosting test deployment (main.selfhost.test.bicepparam).</summary>
    public Deployment SelfHost { get; private set; } = Deployment.Empty;

    /// <summary>Parameter values of the self-hosting test deployment (name → value).</summary>
    public JsonObject Parameters => SelfHost.Parameters;

    public JsonArray Diagnostics => SelfHost.Diagnostics;

    public IReadOnlyList<JsonObject> Resources => SelfHost.Resources;

    public JsonObject ContainerApp => Single("Microsoft.App/containerApps");

    public JsonObject Container => (JsonObject)ContainerApp["properties"]!["template"]!["containers"]![0]!;

    /// <summary>The container's environment: name → (plain value, secret reference).</summary>
    public IReadOnlyDictionary<string, (string? Value, string? SecretRef)> Env =>
        Container["env"]!.AsArray().Select(e => e!.AsObject()).ToDictionary(
            e => (string)e["name"]!,
            e => ((string?)e["value"], (string?)e["secretRef"]),
            StringComparer.Ordinal);

    public IReadOnlyDictionary<string, JsonObject> Secrets =>
        ContainerApp["properties"]!["configuration"]!["secrets"]!.AsArray().Select(s => s!.AsObject())
            .ToDictionary(s => (string)s["name"]!, StringComparer.Ordinal);

    public JsonObject Single(string type) => SelfHost.Single(type);

    public IEnumerable<JsonObject> OfType(string type) => SelfHost.OfType(type);

    /// <summary>The last segment of a child resource name (<c>account/default/name</c> → <c>name</c>).</summary>
    public static string Leaf(JsonObject resource) => ((string)resource["name"]!).Split('/')[^1];

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        CopyInfra(new DirectoryInfo(Path.Combine(RepoRoot, "infra")), _work);
        var dir = _work.FullName;

        var build = await RunAsync(dir, timeout.Token, "build", "main.bicep", "--stdout");
        TemplateText = build.Stdout;
        Template = build.ExitCode == 0 ? JsonNode.Parse(build.Stdout)!.AsObject() : new JsonObject();
        await RunAsync(dir, timeout.Token, "lint", "--pattern", "**/*.bicep");

        Functions = await DeployAsync(dir, FunctionsParameterFile, timeout.Token);
        SelfHost = await DeployAsync(dir, SelfHostParameterFile, timeout.Token);
    }

    private async Task<Deployment> DeployAsync(string dir, string parameterFile, CancellationToken ct)
    {
        var parameters = new JsonObject();
        var buildParams = await RunAsync(dir, ct, "build-params", parameterFile, "--stdout");
        if (buildParams.ExitCode == 0)
        {
            var parametersJson = (string)JsonNode.Parse(buildParams.Stdout)!["parametersJson"]!;
            parameters = JsonNode.Parse(parametersJson)!["parameters"]!.AsObject();
        }

        var snapshot = await RunAsync(dir, ct, "snapshot", parameterFile, "--mode", "overwrite",
            "--subscription-id", SubscriptionId, "--tenant-id", TenantId, "--resource-group", "rg-approvals-test", "--location", "westeurope");
        var snapshotFile = Path.Combine(dir, Path.ChangeExtension(parameterFile, ".snapshot.json"));
        if (snapshot.ExitCode != 0 || !File.Exists(snapshotFile))
        {
            return new Deployment(parameters, [], [], Template);
        }

        var json = JsonNode.Parse(await File.ReadAllTextAsync(snapshotFile, ct))!;
        return new Deployment(parameters, json["predictedResources"]!.AsArray().Select(r => r!.AsObject()).ToList(), json["diagnostics"]?.AsArray() ?? [], Template);
    }

    public Task DisposeAsync()
    {
        _work.Delete(recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>A parameter of the self-hosting test deployment, or the template's default when the file does not set it.</summary>
    public JsonNode? Parameter(string name) => SelfHost.Parameter(name);

    private async Task<BicepResult> RunAsync(string dir, CancellationToken ct, params string[] args)
    {
        // main.test.bicepparam reads these from the shell of the operator who deploys (infra/README.md).
        var env = new Dictionary<string, string>
        {
            ["APPROVALS_API_AUDIENCE"] = Audience,
            ["APPROVALS_OPERATOR_OBJECT_ID"] = "",
        };
        var result = await BicepCli.RunAsync(dir, env, ct, args);
        Runs.Add((string.Join(' ', args), result));
        return result;
    }

    private static void CopyInfra(DirectoryInfo from, DirectoryInfo to)
    {
        foreach (var file in from.EnumerateFiles().Where(f => f.Extension is ".bicep" or ".bicepparam" || f.Name == "bicepconfig.json"))
        {
            file.CopyTo(Path.Combine(to.FullName, file.Name));
        }

        foreach (var sub in from.EnumerateDirectories())
        {
            CopyInfra(sub, to.CreateSubdirectory(sub.Name));
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Approvals.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Approvals.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>One test deployment as the snapshot predicts it: its parameters and resources.</summary>
public sealed record Deployment(JsonObject Parameters, IReadOnlyList<JsonObject> Resources, JsonArray Diagnostics, JsonObject Template)
{
    public static Deployment Empty { get; } = new(new JsonObject(), [], [], new JsonObject());

    public JsonObject Single(string type) => Resources.Should().ContainSingle(r => (string?)r["type"] == type).Subject;

    public IEnumerable<JsonObject> OfType(string type) => Resources.Where(r => (string?)r["type"] == type);

    /// <summary>A parameter of the file, or the template's default when the file does not set it.</summary>
    public JsonNode? Parameter(string name) =>
        Parameters[name]?["value"] ?? Template["parameters"]?[name]?["defaultValue"];
}

[CollectionDefinition(Name)]
public sealed class InfraCollection : ICollectionFixture<InfraModel>
{
    public const string Name = "infra";
}
