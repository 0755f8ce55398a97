using System.Globalization;
using Approvals.Pipeline.Hosting;
using Approvals.Licensing.Clock;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Supervision;

/// <summary>Open 预警 / 黄牌 / 红牌 alerts: raise (idempotent, level only rises), close (moves to history), list.</summary>
internal sealed class AlertStore(SupervisionStorage storage)
{
    private const int MaxAttempts = 20;

    public async Task RaiseAsync(AlertRaised alert, CancellationToken cancellationToken)
    {
        if (alert.Level == AlertLevel.None)
        {
            return;
        }

        await storage.EnsureCreatedAsync(cancellationToken);
        var key = AlertRow.Key(alert.CaseId, alert.DepartmentId);
        for (var attempt = 1; ; attempt++)
        {
            var found = await storage.Alerts.GetEntityIfExistsAsync<AlertRow>(AlertRow.OpenPartition, key, cancellationToken: cancellationToken);
            try
            {
                if (!found.HasValue || found.Value is null)
                {
                    await storage.Alerts.AddEntityAsync(NewRow(alert, key), cancellationToken);
                    CountRaised(alert);
                    return;
                }

                var row = found.Value;
                if (row.ParsedLevel >= alert.Level)
                {
                    return;   // already at this level or above: a re-run, or a late lower alert
                }

                row.Level = alert.Level.ToString();
                row.RaisedAt = alert.At;
                row.DueDate = FormatDate(alert.DueDate) ?? row.DueDate;
                await storage.Alerts.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                CountRaised(alert);
                return;
            }
            catch (Exception e) when ((SupervisionErrors.IsAlreadyExists(e) || SupervisionErrors.IsConflict(e)) && attempt < MaxAttempts)
            {
                // Raised or escalated concurrently: re-read and compare levels again.
            }
        }
    }

    private static void CountRaised(AlertRaised alert) =>
        ApprovalsTelemetry.AlertsRaised.Add(1,
            new KeyValuePair<string, object?>("level", alert.Level.ToString()),
            new KeyValuePair<string, object?>("scope", alert.DepartmentId is null ? "case" : "step"));

    /// <summary>Closes the step's open alert, or every open alert of the case when <paramref name="departmentId"/> is null.</summary>
    public async Task CloseAsync(string caseId, string? departmentId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var prefix = AlertRow.CasePrefix(caseId);
        var filter = departmentId is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {AlertRow.OpenPartition} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + "}"}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {AlertRow.OpenPartition} and RowKey eq {AlertRow.Key(caseId, departmentId)}");
        await foreach (var row in storage.Alerts.QueryAsync<AlertRow>(filter, cancellationToken: cancellationToken))
        {
            await CloseRowAsync(row, at, cancellationToken);
        }
    }

    /// <summary>Open alerts, optionally of one level and/or department, highest level first.</summary>
    /// <remarks>Reads only the <c>open</c> partition: bounded by what is open now, not by history.</remarks>
    public async Task<IReadOnlyList<AlertView>> ListOpenAsync(AlertLevel? level, string? departmentId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {AlertRow.OpenPartition}");
        if (level is { } l)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Level eq {l.ToString()}");
        }

        if (!string.IsNullOrEmpty(departmentId))
        {
            filter += " and " + TableClient.CreateQueryFilter($"DepartmentId eq {departmentId}");
        }

        var result = new List<AlertView>();
        await foreach (var row in storage.Alerts.QueryAsync<AlertRow>(filter, cancellationToken: cancellationToken))
        {
            result.Add(ToView(row));
        }

        return result.OrderByDescending(a => a.Level == "red" ? 3 : a.Level == "yellow" ? 2 : 1).ThenBy(a => a.FirstRaisedAt).ToList();
    }

    /// <summary>Every open alert row (for the overdue counts of the statistics).</summary>
    public async Task<IReadOnlyList<AlertRow>> OpenRowsAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var rows = new List<AlertRow>();
        await foreach (var row in storage.Alerts.QueryAsync<AlertRow>(r => r.PartitionKey == AlertRow.OpenPartition, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    private async Task CloseRowAsync(AlertRow row, DateTimeOffset at, CancellationToken cancellationToken)
    {
        // History first, then the open row (guarded by its ETag: an escalation in between is closed on the next call).
        var closed = CopyOf(row);
        closed.PartitionKey = "closed-" + at.ToOffset(StatsTime.China).ToString("yyyyMM", CultureInfo.InvariantCulture);
        closed.ClosedAt = at;
        await storage.Alerts.UpsertEntityAsync(closed, TableUpdateMode.Replace, cancellationToken);
        try
        {
            await storage.Alerts.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
        }
        catch (Exception e) when (SupervisionErrors.IsNotFound(e))
        {
            // Closed concurrently by a re-run.
        }
    }

    private static AlertRow NewRow(AlertRaised a, string key) => new()
    {
        RowKey = key,
        CaseId = a.CaseId,
        CaseNumber = a.CaseNumber,
        LicenceTypeId = a.LicenceTypeId,
        DepartmentId = a.DepartmentId,
        Level = a.Level.ToString(),
        FirstRaisedAt = a.At,
        RaisedAt = a.At,
        DueDate = FormatDate(a.DueDate),
    };

    private static AlertRow CopyOf(AlertRow r) => new()
    {
        RowKey = r.RowKey,
        CaseId = r.CaseId,
        CaseNumber = r.CaseNumber,
        LicenceTypeId = r.LicenceTypeId,
        DepartmentId = r.DepartmentId,
        Level = r.Level,
        FirstRaisedAt = r.FirstRaisedAt,
        RaisedAt = r.RaisedAt,
        DueDate = r.DueDate,
    };

    private static string? FormatDate(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static AlertView ToView(AlertRow r) => new(r.CaseId, r.CaseNumber, r.LicenceTypeId, r.DepartmentId,
        AlertLevels.Name(r.ParsedLevel), AlertLevels.Label(r.ParsedLevel), r.RaisedAt, r.FirstRaisedAt,
        r.DueDate is null ? null : DateOnly.ParseExact(r.DueDate, "yyyy-MM-dd", CultureInfo.InvariantCulture));
}
