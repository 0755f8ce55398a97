using Azure.Data.Tables;

namespace Approvals.Pipeline.Tests.Runtime;

/// <summary>What must hold of every case after crashes and hand-offs: issued once, recorded once, chain intact.</summary>
internal static class CaseChecks
{
    /// <summary>Timeline entries that happen exactly once in an auto-accepted case approved by every department.</summary>
    private static readonly Dictionary<string, int> Once = new(StringComparer.Ordinal)
    {
        ["Submitted"] = 1,
        ["Accepted"] = 1,
        ["DepartmentDecided"] = RemoteDriver.Departments.Length,
        ["LicenceIssued"] = 1,
        ["Published"] = 1,
    };

    public static async Task AssertIssuedOnceAsync(RemoteDriver driver, string storage, string tablePrefix, IEnumerable<string> caseIds)
    {
        var licences = new TableServiceClient(storage).GetTableClient(tablePrefix + "Licences");
        foreach (var id in caseIds)
        {
            (await driver.StatusAsync(id)).Should().Be("Issued", $"case {id} ends issued");
            var timeline = await driver.TimelineAsync(id);
            timeline["chainValid"]!.GetValue<bool>().Should().BeTrue($"case {id}: the hash chain is intact");
            var entries = timeline["entries"]!.AsArray();
            var types = entries.Select(e => e!["type"]!.GetValue<string>()).ToList();
            var described = string.Join("; ", entries.Select(e => $"{e!["seq"]} {e["type"]} {e["department"]} {e["at"]} {e["details"]?.ToJsonString()}"));
            foreach (var (type, count) in Once)
            {
                types.Count(t => t == type).Should().Be(count, $"case {id}: '{type}' is recorded exactly {count} time(s), re-run activities append nothing ({described})");
            }

            var rows = new List<TableEntity>();
            await foreach (var row in licences.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"CaseId eq {id}")))
            {
                rows.Add(row);
            }

            rows.Should().ContainSingle($"case {id} has exactly one licence");
        }
    }
}
