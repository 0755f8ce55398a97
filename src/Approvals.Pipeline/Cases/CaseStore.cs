using Approvals.Pipeline.Storage;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Cases;

/// <summary>Everything stored about one case, read in one partition query (or from its view row, <see cref="CaseViewRow"/>).</summary>
internal sealed record CaseSnapshot(CaseRow Case, IReadOnlyList<DepartmentRow> Departments, IReadOnlyList<MaterialRow> Materials)
{
    public DepartmentRow? Department(string departmentId) =>
        Departments.FirstOrDefault(d => string.Equals(d.DepartmentId, departmentId, StringComparison.Ordinal));

    /// <summary>The latest version of each material.</summary>
    public IReadOnlyList<MaterialRow> LatestMaterials() =>
        Materials.GroupBy(m => m.MaterialId, StringComparer.Ordinal).Select(g => g.MaxBy(m => m.Version)!).ToList();
}

/// <summary>
/// The case aggregate: the only reader-writer of a case partition's rows (case, steps, materials, view, callback
/// answers, the case's licence row; see <see cref="CaseRow"/>). Handlers and activities never write those rows: they
/// call a method named for the state change (<c>SubmitAsync</c>, <c>AddMaterialAsync</c>, <c>ClaimDecisionAsync</c>,
/// <c>RequestWithdrawalAsync</c>, …), which checks the current state and either commits one ETag-guarded write (an
/// entity-group transaction when several rows change) or refuses with a reason, writing nothing.
/// </summary>
/// <remarks>
/// Invariants every method keeps:
/// <list type="bullet">
/// <item>Every status written is checked against <see cref="CaseTransitions"/> on the row as stored, inside the
/// read-modify-write that commits under its ETag.</item>
/// <item>The case row's ETag orders the case's own changes: a submit, a withdrawal request, a decision and a
/// material added to a draft all commit conditionally on it, so of two that race exactly one wins and the other
/// re-reads and re-decides (tests: <c>CaseRaceTests</c>).</item>
/// <item>A step row's ETag orders its task's changes (a claim by a callback, a pause, a resume, a cancel).</item>
/// <item>Every method is idempotent: an activity re-run after a crash finds its effect in place and writes nothing
/// new (the methods compare with the stored row, never with what the caller remembers).</item>
/// <item>The view row is a copy, written in the same transaction as the row it copies.</item>
/// </list>
/// </remarks>
internal sealed partial class CaseStore(PipelineStorage storage, TableBatchers batchers)
{
    public PipelineStorage Storage => storage;

    private TableClient Table => storage.Cases;

    public async Task<CaseSnapshot?> LoadAsync(string caseId, CancellationToken cancellationToken)
    {
        if (!IsValidCaseId(caseId))
        {
            return null;
        }

        await storage.EnsureCreatedAsync(cancellationToken);
        // The case, department and material rows only: webhook answers ("…|hook|…"), the licence row and the view row
        // (a copy of these rows) sort outside these two ranges.
        var filter = $"PartitionKey eq {TableKeys.Literal(caseId)} and (RowKey lt '{caseId}|hook|' or (RowKey ge '{caseId}|mat|' and RowKey lt '{caseId}|mat}}'))";
        CaseRow? row = null;
        var departments = new List<DepartmentRow>();
        var materials = new List<MaterialRow>();
        await foreach (var e in storage.Cases.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var kind = CaseKeys.Kind(e.RowKey);
            if (kind == CaseRow.Kind)
            {
                row = EntityMapper.To<CaseRow>(e);
            }
            else if (kind.StartsWith(DepartmentRow.KindPrefix, StringComparison.Ordinal))
            {
                departments.Add(EntityMapper.To<DepartmentRow>(e));
            }
            else if (kind.StartsWith(MaterialRow.KindPrefix, StringComparison.Ordinal))
            {
                materials.Add(EntityMapper.To<MaterialRow>(e));
            }
        }

        return row is null ? null : new CaseSnapshot(row, departments, materials);
    }

    public async Task<CaseRow?> GetCaseAsync(string caseId, CancellationToken cancellationToken)
    {
        if (!IsValidCaseId(caseId))
        {
            return null;
        }

        await storage.EnsureCreatedAsync(cancellationToken);
        var found = await storage.Cases.GetEntityIfExistsAsync<CaseRow>(caseId, CaseRow.KeyOf(caseId), cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>
    /// Which of <paramref name="caseIds"/> are now in <paramref name="status"/>: the applicant index holds no status (it
    /// changes with every step), so each case row is read, its status column only, a few at a time.
    /// </summary>
    public async Task<IReadOnlySet<string>> InStatusAsync(IReadOnlyList<string> caseIds, string status, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var matches = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(caseIds, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            var row = await Table.GetEntityIfExistsAsync<TableEntity>(id, CaseRow.KeyOf(id), [nameof(CaseRow.Status)], ct);
            if (row.HasValue && row.Value?.GetString(nameof(CaseRow.Status)) == status)
            {
                matches[id] = true;
            }
        });
        return matches.Keys.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>A department row as stored (one point read); remembered in <see cref="OpenTasks"/> while its task is open.</summary>
    public async Task<DepartmentRow?> GetDepartmentAsync(string caseId, string departmentId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var found = await storage.Cases.GetEntityIfExistsAsync<DepartmentRow>(caseId, DepartmentRow.KeyFor(caseId, departmentId), cancellationToken: cancellationToken);
        var row = found.HasValue ? found.Value : null;
        if (row is null)
        {
            OpenTasks.Forget(caseId, departmentId);
        }
        else
        {
            OpenTasks.Remember(row, row.ETag);
        }

        return row;
    }

    /// <summary>
    /// The case as <c>GET /api/applications/{id}</c> shows it, from its view row (one point read; see
    /// <see cref="CaseViewRow"/>), or from the partition when the case has no view row. For display only: the rows
    /// carry no ETags.
    /// </summary>
    public async Task<CaseSnapshot?> LoadViewAsync(string caseId, CancellationToken cancellationToken)
    {
        if (!IsValidCaseId(caseId))
        {
            return null;
        }

        await storage.EnsureCreatedAsync(cancellationToken);
        var view = await storage.Cases.GetEntityIfExistsAsync<TableEntity>(caseId, CaseViewRow.KeyOf(caseId), cancellationToken: cancellationToken);
        return view.HasValue && view.Value is not null && CaseViewRow.Read(view.Value) is { } snapshot
            ? snapshot
            : await LoadAsync(caseId, cancellationToken);
    }

    /// <summary>Read-modify-write of the case row under its ETag, with its copy in the view row.</summary>
    private Task<CaseRow?> UpdateCaseAsync(string caseId, Func<CaseRow, bool> mutate, CancellationToken cancellationToken) =>
        storage.Cases.UpdateAsync<CaseRow>(caseId, CaseRow.KeyOf(caseId), mutate, cancellationToken, r => [CaseViewRow.Of(r)]);

    /// <summary>
    /// Read-modify-write of a department row under its ETag, with its copy in the view row. With
    /// <paramref name="touchCase"/> the case row is written in the same transaction too (only its
    /// <see cref="CaseRow.LastResumedTask"/>): its ETag then moves, and a write guarded by the ETag read before this
    /// change (an upload's record, see <see cref="AddMaterialAsync"/>) fails and checks again.
    /// </summary>
    private async Task<DepartmentRow?> UpdateDepartmentAsync(string caseId, string departmentId, Func<DepartmentRow, bool> mutate, CancellationToken cancellationToken, bool touchCase = false)
    {
        // Forgotten first: if the write fails half-known (timeout), no stale row is remembered.
        OpenTasks.Forget(caseId, departmentId);
        var row = await storage.Cases.UpdateAsync<DepartmentRow>(caseId, DepartmentRow.KeyFor(caseId, departmentId), mutate, cancellationToken,
            r => touchCase
                ? [CaseViewRow.Of(r), new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(caseId, CaseRow.KeyOf(caseId)) { [nameof(CaseRow.LastResumedTask)] = r.TaskId })]
                : [CaseViewRow.Of(r)]);
        if (row is not null)
        {
            OpenTasks.Remember(row, row.ETag);
        }

        return row;
    }

    /// <summary>Open tasks' department rows as last written or read through this store: the callback's claim skips its read with them.</summary>
    public OpenTaskRows OpenTasks { get; } = new();

    /// <summary>Case ids are 32 lowercase hex digits (GUID "N"); anything else cannot name a case.</summary>
    public static bool IsValidCaseId(string caseId) =>
        caseId.Length == 32 && caseId.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
