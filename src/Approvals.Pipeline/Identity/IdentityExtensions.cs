using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Approvals.Pipeline.Identity;

/// <summary>Authorisation policy names (also used by the supervision endpoints).</summary>
internal static class Policies
{
    public const string Applicant = "applicant";
    public const string Officer = "officer";
    public const string Supervisor = "supervisor";

    /// <summary>
    /// A second role an officer's token may carry (科室负责人): for the departments of the token, the lead may also release
    /// or reassign a task another officer holds — the way out when its holder is away. Not a policy of its own.
    /// </summary>
    public const string DepartmentLead = "department-lead";
}

/// <summary>
/// JWT bearer identity. The token validation settings come from configuration section
/// <c>Authentication:Schemes:Bearer</c> (what <c>dotnet user-jwts</c> writes into user secrets locally, an Entra ID
/// authority and audience in Azure); roles come from the <c>role</c> claim (<c>roles</c> for Entra app roles) and an
/// officer's department from the <c>department</c> claim.
/// </summary>
internal static class IdentityExtensions
{
    public const string RoleClaim = "role";
    public const string DepartmentClaim = "department";

    public static IServiceCollection AddApprovalsIdentity(this IServiceCollection services)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(o =>
            {
                // Keep claim names as issued ("sub", "role"), not the WS-Federation URIs.
                o.MapInboundClaims = false;
                o.TokenValidationParameters.NameClaimType = "sub";
                o.TokenValidationParameters.RoleClaimType = RoleClaim;
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Applicant, p => p.RequireAuthenticatedUser().RequireAssertion(c => c.User.HasRole(Policies.Applicant) && c.User.Subject() is not null))
            .AddPolicy(Policies.Officer, p => p.RequireAuthenticatedUser().RequireAssertion(c => c.User.HasRole(Policies.Officer) && c.User.Departments().Count > 0))
            .AddPolicy(Policies.Supervisor, p => p.RequireAuthenticatedUser().RequireAssertion(c => c.User.HasRole(Policies.Supervisor)));
        return services;
    }

    public static bool HasRole(this ClaimsPrincipal user, string role) =>
        user.Claims.Any(c => c.Type is RoleClaim or "roles" or ClaimTypes.Role && string.Equals(c.Value, role, StringComparison.Ordinal));

    /// <summary>The stable subject of the caller (the owner key of an applicant's cases).</summary>
    public static string? Subject(this ClaimsPrincipal user) =>
        user.FindFirst("sub")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value;

    public static IReadOnlyList<string> Departments(this ClaimsPrincipal user) =>
        user.FindAll(DepartmentClaim).Select(c => c.Value).Where(v => v.Length > 0).ToList();
}
