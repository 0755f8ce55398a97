using Microsoft.DurableTask;
namespace Approvals.Pipeline.Departments;

/// <summary>
/// Per-department settings from configuration: <c>Departments:{id}:CallbackSecret</c> (signs callbacks both ways)
/// and <c>Departments:{id}:WebhookUrl</c> (optional outgoing task notifications). Read on each use so a rotated
/// secret (Key Vault reference) applies without a restart.
/// </summary>
internal sealed class DepartmentDirectory(IConfiguration configuration)
{
    public byte[]? CallbackSecret(string departmentId) =>
        configuration[$"Departments:{departmentId}:CallbackSecret"] is { Length: > 0 } s ? WebhookSignature.SecretBytes(s) : null;

    public Uri? WebhookUrl(string departmentId) =>
        Uri.TryCreate(configuration[$"Departments:{departmentId}:WebhookUrl"], UriKind.Absolute, out var u) ? u : null;

    /// <summary>
    /// Outgoing webhooks: after the inline attempt, 5 more attempts with doubling waits between them from
    /// <c>Webhooks__FirstRetryInterval</c> (2, 4, 8, 16 s by default), then the failure is recorded. The waits are
    /// durable timers on the system clock.
    /// </summary>
    public RetryPolicy WebhookRetry =>
        new(5, TimeSpan.TryParse(configuration["Webhooks:FirstRetryInterval"], System.Globalization.CultureInfo.InvariantCulture, out var first) ? first : DefaultFirstRetry, 2.0, TimeSpan.FromSeconds(60));

    public static readonly TimeSpan DefaultFirstRetry = TimeSpan.FromSeconds(2);
}
