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
}
