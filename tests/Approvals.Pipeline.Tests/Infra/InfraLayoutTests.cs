using System.Globalization;
using System.Text.Json.Nodes;
using Approvals.Pipeline.Hosting;
using Approvals.Pipeline.Storage;
using Approvals.Pipeline.Supervision;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;

namespace Approvals.Pipeline.Tests.Infra;

/// <summary>
/// What the deployment creates against what the code names: every table and container the stores open (read from the
/// store objects themselves, configured with the container app's settings), the engine's task hub, WORM on the anchors,
/// the KEDA rules and the probes. Also: the Bicep CLI reports nothing for any file.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class InfraLayoutTests(InfraModel infra)
{
    private const string Storage = "Microsoft.Storage/storageAccounts";

    [Fact]
    public void Bicep_BuildLintBuildParamsAndSnapshot_NoDiagnostics()
    {
        infra.Runs.Should().HaveCount(6, "build, lint, and build-params and snapshot of each test parameter file");
        foreach (var (command, result) in infra.Runs)
        {
            result.ExitCode.Should().Be(0, $"bicep {command}: {result}");
            result.Stderr.Trim().Should().BeEmpty($"bicep {command} reports warnings or errors");
        }

        infra.SelfHost.Diagnostics.Should().BeEmpty();
        infra.Functions.Diagnostics.Should().BeEmpty();
        infra.SelfHost.Resources.Should().NotBeEmpty();
        infra.Functions.Resources.Should().NotBeEmpty();
    }

    [Fact]
    public void Storage_EveryTableAndContainerOfTheStores_Declared()
    {
        var configuration = AppConfiguration();
        using var pipeline = new PipelineStorage(OfflineConnection(), configuration);
        using var supervision = new SupervisionStorage(OfflineConnection(), configuration);

        var tables = StoreNames<TableClient>(pipeline, t => t.Name).Concat(StoreNames<TableClient>(supervision, t => t.Name)).ToList();
        var containers = StoreNames<BlobContainerClient>(pipeline, c => c.Name).Concat(StoreNames<BlobContainerClient>(supervision, c => c.Name)).ToList();

        tables.Should().HaveCountGreaterThanOrEqualTo(11);
        DeclaredLeaves($"{Storage}/tableServices/tables").Should().Contain(tables);
        DeclaredLeaves($"{Storage}/blobServices/containers").Should().Contain(containers).And.Contain(supervision.Anchors.Name);
    }

    [Fact]
    public void Storage_EngineTaskHub_TablesQueuesAndPayloadContainerDeclared()
    {
        // The names DurableTask.AzureStorage gives a task hub's tables, containers and queues.
        var hub = infra.Env["DurableTask__HubName"].Value!;
        var partitions = int.Parse(infra.Env["DurableTask__PartitionCount"].Value!, CultureInfo.InvariantCulture);
        var lower = hub.ToLowerInvariant();

        DeclaredLeaves($"{Storage}/tableServices/tables").Should().Contain([$"{hub}History", $"{hub}Instances", $"{hub}Partitions"]);
        DeclaredLeaves($"{Storage}/blobServices/containers").Should().Contain([$"{lower}-largemessages", $"{lower}-leases"]);
        DeclaredLeaves($"{Storage}/queueServices/queues").Should().BeEquivalentTo(ControlQueues(lower, partitions).Append($"{lower}-workitems"));
        partitions.Should().Be((int)infra.Parameter("partitionCount")!);
    }

    [Fact]
    public void Storage_Account_TlsNoPublicBlobsSoftDeleteAndVersioning()
    {
        var account = infra.Single(Storage);
        ((string?)account["kind"]).Should().Be("StorageV2");
        var p = account["properties"]!;
        ((string?)p["minimumTlsVersion"]).Should().Be("TLS1_2");
        ((bool?)p["allowBlobPublicAccess"]).Should().BeFalse();
        ((bool?)p["supportsHttpsTrafficOnly"]).Should().BeTrue();

        var blobs = infra.Single($"{Storage}/blobServices")["properties"]!;
        ((bool?)blobs["isVersioningEnabled"]).Should().BeTrue();
        ((bool?)blobs["deleteRetentionPolicy"]!["enabled"]).Should().BeTrue();
        ((bool?)blobs["containerDeleteRetentionPolicy"]!["enabled"]).Should().BeTrue();
    }

    [Fact]
    public void Storage_AnchorContainer_TimeBasedRetentionWithProtectedAppends()
    {
        var anchors = infra.Env["Supervision__AnchorContainer"].Value;
        anchors.Should().Be(SupervisionStorage.DefaultAnchorContainer);

        var policy = infra.OfType($"{Storage}/blobServices/containers/immutabilityPolicies")
            .Should().ContainSingle(r => ((string)r["name"]!).EndsWith($"/{anchors}/default", StringComparison.Ordinal)).Subject;
        ((int?)policy["properties"]!["immutabilityPeriodSinceCreationInDays"]).Should().BeGreaterThanOrEqualTo(1);
        // TimelineAnchors appends to an existing append blob: without this every anchor after the first would fail.
        ((bool?)policy["properties"]!["allowProtectedAppendWrites"]).Should().BeTrue();
    }

    [Fact]
    public void ContainerApp_Scale_QueueRulePerControlQueueWithIdentityAndHttpRule()
    {
        var scale = infra.ContainerApp["properties"]!["template"]!["scale"]!;
        var identityId = infra.ContainerApp["identity"]!["userAssignedIdentities"]!.AsObject().Single().Key;
        var account = (string)infra.Single(Storage)["name"]!;
        var rules = scale["rules"]!.AsArray().Select(r => r!.AsObject()).ToList();

        var queueRules = rules.Where(r => r["azureQueue"] is not null).Select(r => r["azureQueue"]!).ToList();
        queueRules.Select(q => (string)q["queueName"]!).Should().BeEquivalentTo(
            ControlQueues(infra.Env["DurableTask__HubName"].Value!.ToLowerInvariant(), (int)infra.Parameter("partitionCount")!));
        queueRules.Should().AllSatisfy(q =>
        {
            ((string?)q["identity"]).Should().Be(identityId, "the scaler authenticates with the app identity, no connection string");
            ((string?)q["accountName"]).Should().Be(account);
            q["auth"].Should().BeNull();
        });
        rules.Should().Contain(r => r["http"] != null);
        ((int?)scale["minReplicas"]).Should().Be((int)infra.Parameter("minReplicas")!);
        ((int?)scale["minReplicas"]).Should().Be(0, "the test environment scales to zero");
    }

    [Fact]
    public void Identity_DataPlaneRoles_OnStorageKeyVaultAndRegistry()
    {
        // Built-in role definition ids (they are the same in every tenant).
        var expected = new Dictionary<string, string>
        {
            ["ba92f5b4-2d11-453d-a403-e96b0029c9fe"] = "Storage Blob Data Contributor",
            ["0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"] = "Storage Table Data Contributor",
            ["974c5e8b-45b9-4653-ba55-5f855dd0fb88"] = "Storage Queue Data Contributor",
            ["4633458b-17de-408a-b874-0445c86b69e6"] = "Key Vault Secrets User",
            ["7f951dda-4ed3-4680-a7ca-43fe172d538d"] = "AcrPull",
        };

        var granted = infra.OfType("Microsoft.Authorization/roleAssignments")
            .Select(r => ((string)r["properties"]!["roleDefinitionId"]!).Split('/')[^1])
            .ToList();

        granted.Should().Contain(expected.Keys, "the app's identity reads and writes data with roles, never with keys");
    }

    [Fact]
    public void ContainerApp_ProbesAndIngress_HealthEndpointsOnPort8080()
    {
        var ingress = infra.ContainerApp["properties"]!["configuration"]!["ingress"]!;
        ((int?)ingress["targetPort"]).Should().Be(8080);
        ((bool?)ingress["allowInsecure"]).Should().BeFalse();

        var probes = infra.Container["probes"]!.AsArray().ToDictionary(p => (string)p!["type"]!, p => p!["httpGet"]!);
        ((string?)probes["Liveness"]["path"]).Should().Be(HealthEndpoints.Liveness);
        ((string?)probes["Readiness"]["path"]).Should().Be(HealthEndpoints.Readiness);
        probes.Values.Should().AllSatisfy(p => ((int?)p["port"]).Should().Be(8080));
    }

    private IConfiguration AppConfiguration() =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(infra.Env.Where(e => e.Value.Value is not null)
                .Select(e => KeyValuePair.Create(RequiredSettings.ConfigurationKey(e.Key), e.Value.Value)))
            .Build();

    // Clients only: nothing is sent until a store is used.
    private static StorageConnection OfflineConnection() => StorageConnection.Create("UseDevelopmentStorage=true");

    private static IEnumerable<string> StoreNames<TClient>(object store, Func<TClient, string> name) =>
        store.GetType().GetProperties().Where(p => p.PropertyType == typeof(TClient)).Select(p => name((TClient)p.GetValue(store)!));

    private List<string> DeclaredLeaves(string type) => infra.OfType(type).Select(InfraModel.Leaf).ToList();

    // The engine's own names, so a renamed queue in the engine fails here until the Bicep follows.
    private static IEnumerable<string> ControlQueues(string hub, int partitions) =>
        new Approvals.Pipeline.Runtime.DurableRuntimeOptions { HubName = hub, PartitionCount = partitions }.ControlQueueNames;
}
