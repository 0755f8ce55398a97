using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Approvals.Pipeline.Storage;
using Azure;
using Azure.Data.Tables;

namespace Approvals.Pipeline.Cases;

/// <summary>
/// The case's view row (partition = case id, row = <c>view</c>): a copy of every row that
/// <c>GET /api/applications/{id}</c> shows — the case row (<c>C</c>, its status also in <c>C_Status</c>), each
/// department row (<c>D_{id}</c>) and the latest version of each material (<c>M_{id}</c>), each as JSON — so the
/// status read is one point read instead of a partition query (which the storage emulator answers by scanning the
/// whole table).
/// <para>
/// Invariant: every write of a mirrored row carries, in the same entity-group transaction, an upsert-merge of its
/// copy here. A transaction is all-or-nothing and the rows themselves are written under their ETags (or inserted
/// once), so the copy of a row always equals the row's last committed version: the view is never behind a
/// committed write and never shows one that failed. The one write that changes a single case field without
/// reading the row (the lead step moving the case to InReview) merges <c>C_Status</c> only; every other case write
/// sets both, so <c>C_Status</c> is always the current status and <c>C</c> every other field.
/// </para>
/// Material versions are numbered by inserts that retry with the next number, so a later version always commits
/// after an earlier one and <c>M_{id}</c> ends at the latest. The copies carry no ETags: a snapshot read from the
/// view is for display only; writers read the rows themselves.
/// </summary>
internal static class CaseViewRow
{
    public static string KeyOf(string caseId) => CaseKeys.Row(caseId, "view");
    private const string CaseProperty = "C";
    private const string StatusProperty = "C_Status";
    private const string DepartmentPrefix = "D_";
    private const string MaterialPrefix = "M_";

    // The rows' own properties, without the table bookkeeping (keys, timestamp, ETag) that the view row has itself.
    private static readonly JsonSerializerOptions Json = new(StoredJson.Options)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver
        {
            Modifiers =
            {
                t =>
                {
                    if (typeof(ITableEntity).IsAssignableFrom(t.Type))
                    {
                        foreach (var p in t.Properties.Where(p => p.Name is "partitionKey" or "rowKey" or "timestamp" or "eTag").ToList())
                        {
                            t.Properties.Remove(p);
                        }
                    }
                },
            },
        },
    };

    /// <summary>The copy of a whole case row.</summary>
    public static TableTransactionAction Of(CaseRow row) => Merge(row.PartitionKey, e =>
    {
        e[CaseProperty] = JsonSerializer.Serialize(row, Json);
        e[StatusProperty] = row.Status;
    });

    /// <summary>The copy of a department row.</summary>
    public static TableTransactionAction Of(DepartmentRow row) => Merge(row.PartitionKey, e => e[DepartmentPrefix + PropertySafe(row.DepartmentId)] = JsonSerializer.Serialize(row, Json));

    /// <summary>The copy of a material version (the latest, by the numbering rule above).</summary>
    public static TableTransactionAction Of(MaterialRow row) => Merge(row.PartitionKey, e => e[MaterialPrefix + PropertySafe(row.MaterialId)] = JsonSerializer.Serialize(row, Json));

    /// <summary>A department row and the case status changed together (the lead step's insert moving the case on).</summary>
    public static TableTransactionAction Of(DepartmentRow row, string caseStatus)
    {
        var copy = Of(row);
        ((TableEntity)copy.Entity)[StatusProperty] = caseStatus;
        return copy;
    }

    /// <summary>The snapshot the view row holds, or null when it holds no case (a case stored before view rows existed).</summary>
    public static CaseSnapshot? Read(TableEntity view)
    {
        if (view.GetString(CaseProperty) is not { } caseJson)
        {
            return null;
        }

        var row = JsonSerializer.Deserialize<CaseRow>(caseJson, Json)!;
        row.PartitionKey = view.PartitionKey;
        row.RowKey = CaseRow.KeyOf(view.PartitionKey);
        row.Status = view.GetString(StatusProperty) ?? row.Status;
        var departments = new List<DepartmentRow>();
        var materials = new List<MaterialRow>();
        foreach (var (name, value) in view)
        {
            if (value is not string json)
            {
                continue;
            }

            if (name.StartsWith(DepartmentPrefix, StringComparison.Ordinal))
            {
                var d = JsonSerializer.Deserialize<DepartmentRow>(json, Json)!;
                (d.PartitionKey, d.RowKey) = (view.PartitionKey, DepartmentRow.KeyFor(view.PartitionKey, d.DepartmentId));
                departments.Add(d);
            }
            else if (name.StartsWith(MaterialPrefix, StringComparison.Ordinal))
            {
                var m = JsonSerializer.Deserialize<MaterialRow>(json, Json)!;
                (m.PartitionKey, m.RowKey) = (view.PartitionKey, MaterialRow.KeyFor(view.PartitionKey, m.MaterialId, m.Version));
                materials.Add(m);
            }
        }

        // The order a partition query returns them in.
        departments.Sort((a, b) => string.CompareOrdinal(a.RowKey, b.RowKey));
        materials.Sort((a, b) => string.CompareOrdinal(a.RowKey, b.RowKey));
        return new CaseSnapshot(row, departments, materials);
    }

    /// <summary>
    /// An id as a property name (letters, digits and underscores only): every other character, the underscore
    /// included, becomes <c>_</c> and two hex digits, so distinct ids never share a name.
    /// </summary>
    internal static string PropertySafe(string id)
    {
        var sb = new StringBuilder(id.Length + 8);
        foreach (var ch in id)
        {
            if (char.IsAsciiLetterOrDigit(ch))
            {
                sb.Append(ch);
            }
            else
            {
                foreach (var b in Encoding.UTF8.GetBytes(ch.ToString()))
                {
                    sb.Append('_').Append(b.ToString("x2", CultureInfo.InvariantCulture));
                }
            }
        }

        return sb.ToString();
    }

    private static TableTransactionAction Merge(string caseId, Action<TableEntity> fill)
    {
        var e = new TableEntity(caseId, KeyOf(caseId));
        fill(e);
        return new TableTransactionAction(TableTransactionActionType.UpsertMerge, e);
    }
}
