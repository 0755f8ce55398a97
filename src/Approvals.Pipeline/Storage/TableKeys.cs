using System.Globalization;
using System.Text;

namespace Approvals.Pipeline.Storage;

/// <summary>
/// Table keys may not contain <c>/ \ # ?</c>, control characters or <c>%</c>-ambiguous input: values that come
/// from outside (JWT subjects, client idempotency keys) are escaped reversibly before they become keys.
/// </summary>
internal static class TableKeys
{
    public static string Escape(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '/' or '\\' or '#' or '?' or '%' or '\'' || char.IsControl(c))
            {
                sb.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>An OData string literal for filters (single quotes doubled).</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
