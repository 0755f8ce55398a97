using System.Collections.Concurrent;
using Azure;

namespace Approvals.Pipeline.Cases;

/// <summary>
/// The department rows of open tasks as this process last wrote or read them (with their ETags), so the decision
/// callback can claim a task without reading its row first — one round-trip fewer on the path a department waits
/// on. Only ever a hint, never the truth:
/// <list type="bullet">
/// <item>a claim is conditional on the remembered ETag, so a row someone else changed since (another host, a
/// supplement, an alert) fails it with 412, and the callback reads the row and evaluates again;</item>
/// <item>a callback never refuses (409 stale or decided) on a remembered row: it reads the row and evaluates
/// again first, so a refusal is always based on the row as stored;</item>
/// <item>every write of a department row through <see cref="CaseStore"/> replaces or forgets its entry, and a
/// claimed task is forgotten.</item>
/// </list>
/// Tasks decided elsewhere (another host's callback) leave entries behind, so the memory is bounded: at
/// <see cref="Capacity"/> rows it starts over (forgetting costs the callbacks of those tasks one read each).
/// </summary>
internal sealed class OpenTaskRows
{
    /// <summary>Rows kept at most (typically 1–2 KB each).</summary>
    public const int Capacity = 20_000;

    private readonly ConcurrentDictionary<(string CaseId, string DepartmentId), DepartmentRow> _rows = new();

    /// <summary>Remembers <paramref name="row"/> as stored under <paramref name="etag"/> while its task is open; forgets it otherwise.</summary>
    public void Remember(DepartmentRow row, ETag etag)
    {
        var key = (row.PartitionKey, row.DepartmentId);
        if (!StepStatus.IsOpen(row.Status) || etag == default)
        {
            _rows.TryRemove(key, out _);
            return;
        }

        // Count takes every lock of the dictionary: asked only when a new task is added, not on every renewal.
        if (!_rows.ContainsKey(key) && _rows.Count >= Capacity)
        {
            _rows.Clear();
        }

        var copy = row.Copy();
        copy.ETag = etag;
        _rows[key] = copy;
    }

    /// <summary>A copy of the remembered row (the caller may change it), or null.</summary>
    public DepartmentRow? Get(string caseId, string departmentId) =>
        _rows.TryGetValue((caseId, departmentId), out var row) ? row.Copy() : null;

    public void Forget(string caseId, string departmentId) => _rows.TryRemove((caseId, departmentId), out _);

    public int Count => _rows.Count;
}
