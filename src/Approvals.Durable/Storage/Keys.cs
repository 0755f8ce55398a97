using System.IO.Hashing;
using System.Text;

namespace Approvals.Durable.Storage;

/// <summary>
/// Table keys. Instances are spread over partitions by a stable hash of the instance id; one partition is one
/// table partition, so all rows of an instance (status, history, inbox) share a PartitionKey and an episode commits
/// as one entity-group transaction. Row keys:
/// <c>S|{id}</c> status, <c>H|{id}|{executionId}|{episode:D6}</c> history, <c>I|{id}|{messageId}</c> inbox.
/// </summary>
internal static class Keys
{
    public const char Separator = '|';

    /// <summary>Instance ids of the form <c>{placement}!{rest}</c> are placed by <c>{placement}</c> alone.</summary>
    public const char PlacementSeparator = '!';

    /// <summary>
    /// The partition of an instance: a stable hash of its id — of the part before the first <c>!</c> when there is
    /// one, so <c>case-7!health</c> lives beside <c>case-7</c>. Co-located instances write in the same table
    /// partition, so a sub-orchestration's completion is committed into its parent's inbox in the same
    /// transaction as its own final episode, and writes of a parent and its children can share transactions.
    /// </summary>
    public static int PartitionOf(string instanceId, int partitionCount)
    {
        var bang = instanceId.IndexOf(PlacementSeparator, StringComparison.Ordinal);
        var placement = bang > 0 ? instanceId[..bang] : instanceId;
        return (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(placement)) % (uint)partitionCount);
    }

    public static string PartitionKey(int partition) => $"p{partition:D2}";

    public static string Status(string instanceId) => $"S|{Escape(instanceId)}";

    public static string HistoryPrefix(string instanceId, string executionId) => $"H|{Escape(instanceId)}|{executionId}|";

    public static string History(string instanceId, string executionId, int episode) => $"{HistoryPrefix(instanceId, executionId)}{episode:D6}";

    public static string InstanceHistoryPrefix(string instanceId) => $"H|{Escape(instanceId)}|";

    public static string InboxPrefix(string instanceId) => $"I|{Escape(instanceId)}|";

    public static string Inbox(string instanceId, string messageId) => $"{InboxPrefix(instanceId)}{messageId}";

    /// <summary>The smallest key greater than every key starting with <paramref name="prefix"/>.</summary>
    public static string UpperBound(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    /// <summary>
    /// Escapes characters Azure Tables forbids in keys (<c>/ \ # ?</c>, control characters) plus our separator
    /// <c>|</c> and the escape character itself, so every instance id maps to a distinct, legal key segment.
    /// </summary>
    public static string Escape(string id)
    {
        if (!id.Any(NeedsEscape))
        {
            return id;
        }

        var sb = new StringBuilder(id.Length + 8);
        foreach (var c in id)
        {
            if (NeedsEscape(c))
            {
                sb.Append('%').Append(((int)c).ToString(c <= 0xFF ? "X2" : "X4", System.Globalization.CultureInfo.InvariantCulture));
                if (c > 0xFF)
                {
                    sb.Insert(sb.Length - 4, 'u');
                }
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    public static string Unescape(string key)
    {
        if (!key.Contains('%', StringComparison.Ordinal))
        {
            return key;
        }

        var sb = new StringBuilder(key.Length);
        for (var i = 0; i < key.Length; i++)
        {
            if (key[i] == '%' && i + 1 < key.Length && key[i + 1] == 'u')
            {
                sb.Append((char)Convert.ToInt32(key.Substring(i + 2, 4), 16));
                i += 5;
            }
            else if (key[i] == '%')
            {
                sb.Append((char)Convert.ToInt32(key.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                sb.Append(key[i]);
            }
        }

        return sb.ToString();
    }

    private static bool NeedsEscape(char c) => c is '/' or '\\' or '#' or '?' or '|' or '%' or '\'' || char.IsControl(c) || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF';
}
