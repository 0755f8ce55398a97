using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Approvals.Pipeline.Identity;

/// <summary>Authorisation policy names (also used by the supervision endpoints).</summary>
internal static class Policies
{
    public const string Applicant = "applicant";
    public const string Officer = "officer";
    public const string Supervisor = "supervisor";
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

    /// <summary>
    /// The departments an officer leads (科室负责人), one claim per department: for a department that is also among
    /// the token's <c>department</c> claims, its lead may release or reassign a task another officer holds — the way
    /// out when the holder is away. Per department, so leading one department gives nothing in another.
    /// </summary>
    public const string LeadDepartmentClaim = "lead_department";

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

    /// <summary>Whether the caller leads <paramref name="departmentId"/> (and is an officer of it).</summary>
    public static bool Leads(this ClaimsPrincipal user, string departmentId) =>
        user.HasRole(Policies.Officer)
        && user.Departments().Contains(departmentId, StringComparer.Ordinal)
        && user.FindAll(LeadDepartmentClaim).Any(c => string.Equals(c.Value, departmentId, StringComparison.Ordinal));

    public static IReadOnlyList<string> Departments(this ClaimsPrincipal user) =>
        user.FindAll(DepartmentClaim).Select(c => c.Value).Where(v => v.Length > 0).ToList();
}
