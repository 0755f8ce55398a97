using Approvals.Licensing.Catalogue;
using Approvals.Licensing.Clock;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Supervision;

/// <summary>Records received/decided facts and answers period statistics from them plus the open alerts.</summary>
internal sealed class StatsStore(SupervisionStorage storage, AlertStore alerts, Storage.TableBatchers batcher, IServiceProvider services)
{
    public async Task RecordReceivedAsync(CaseReceived fact, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var month = StatsTime.Month(fact.At);
        // The case row and one row per department step share the month partition: one transaction, all or nothing
        // (shared with other cases' facts of the month written at the same time).
        var rows = fact.DepartmentIds.Distinct(StringComparer.Ordinal).Select(d => (string?)d).Prepend(null)
            .Select(d => (ITableEntity)new FactRow
            {
                PartitionKey = month,
                RowKey = FactRow.Key(FactRow.Received, fact.CaseId, d),
                Kind = FactRow.Received,
                CaseId = fact.CaseId,
                CaseNumber = fact.CaseNumber,
                LicenceTypeId = fact.LicenceTypeId,
                DepartmentId = d,
                At = fact.At,
            })
            .ToList();
        foreach (var chunk in rows.Chunk(99))
        {
            await batcher.UpsertProjectionAsync(storage.Stats, chunk, TableUpdateMode.Replace, cancellationToken);
        }
    }

    public async Task RecordDecidedAsync(StepDecided fact, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        await batcher.UpsertProjectionAsync(storage.Stats, [new FactRow
        {
            PartitionKey = StatsTime.Month(fact.DecidedAt),
            RowKey = FactRow.Key(FactRow.Decided, fact.CaseId, fact.DepartmentId),
            Kind = FactRow.Decided,
            CaseId = fact.CaseId,
            CaseNumber = fact.CaseNumber,
            LicenceTypeId = fact.LicenceTypeId,
            DepartmentId = fact.DepartmentId,
            At = fact.DecidedAt,
            Outcome = fact.Outcome,
            WorkingDaysUsed = fact.WorkingDaysUsed,
            OnTime = fact.OnTime,
        }], TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Figures for the China days <paramref name="from"/>..<paramref name="to"/> (inclusive).</summary>
    public async Task<StatsReport> QueryAsync(DateOnly from, DateOnly to, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var start = StatsTime.StartOf(from);
        var end = StatsTime.StartOf(to.AddDays(1));
        var months = new List<string>();
        for (var m = new DateOnly(from.Year, from.Month, 1); m <= to; m = m.AddMonths(1))
        {
            months.Add(m.ToString("yyyyMM", System.Globalization.CultureInfo.InvariantCulture));
        }

        // One range read per month partition, in parallel; the open alerts give "overdue now".
        var reads = months.Select(m => ReadMonthAsync(m, start, end, cancellationToken)).ToList();
        var open = await alerts.OpenRowsAsync(cancellationToken);
        var facts = (await Task.WhenAll(reads)).SelectMany(f => f).ToList();
        var overdue = open.Where(a => a.ParsedLevel >= AlertLevel.Yellow).ToList();
        var catalogue = services.GetService<LicenceCatalogue>();

        var departments = facts.Where(f => f.DepartmentId is not null).Select(f => f.DepartmentId!)
            .Concat(overdue.Where(a => a.DepartmentId is not null).Select(a => a.DepartmentId!))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(d => Figures(d, catalogue?.FindDepartment(d)?.Name,
                facts.Where(f => f.DepartmentId == d),
                overdue.Count(a => a.DepartmentId == d)))
            .ToList();
        var caseFacts = facts.Where(f => f.DepartmentId is null).ToList();
        var types = caseFacts.Select(f => f.LicenceTypeId).Concat(overdue.Select(a => a.LicenceTypeId))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(t => Figures(t, catalogue?.Find(t)?.Name,
                caseFacts.Where(f => f.LicenceTypeId == t),
                overdue.Where(a => a.LicenceTypeId == t).Select(a => a.CaseId).Distinct(StringComparer.Ordinal).Count()))
            .ToList();
        var total = Figures("total", null, caseFacts, overdue.Select(a => a.CaseId).Distinct(StringComparer.Ordinal).Count());
        return new StatsReport(from, to, now, departments, types, total);
    }

    private async Task<List<FactRow>> ReadMonthAsync(string month, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var rows = new List<FactRow>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {month} and At ge {start} and At lt {end}");
        await foreach (var row in storage.Stats.QueryAsync<FactRow>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    private static StatsFigures Figures(string id, string? name, IEnumerable<FactRow> facts, int overdue)
    {
        var list = facts.ToList();
        var decided = list.Where(f => f.Kind == FactRow.Decided).ToList();
        var onTime = decided.Count(f => f.OnTime);
        return new StatsFigures(
            id,
            name,
            list.Count(f => f.Kind == FactRow.Received),
            decided.Count,
            onTime,
            decided.Count == 0 ? null : Math.Round((double)onTime / decided.Count, 4),
            decided.Count == 0 ? null : Math.Round(decided.Average(f => f.WorkingDaysUsed), 2),
            overdue,
            decided.GroupBy(f => f.Outcome ?? "unknown", StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal));
    }
}
