using System.Security.Claims;

namespace ReviewPortal.Web.Infrastructure.Auth;

/// <summary>
/// The signed-in person as handlers see it. Every handler takes one and checks resource access
/// itself; hiding a button in the UI is never the control.
/// </summary>
public sealed record Viewer(int? IdentityId, string Name, IReadOnlySet<string> Roles)
{
    public const string IdentityIdClaim = "reviewportal:identity_id";

    public bool IsAdmin => Roles.Contains(Auth.Roles.Admin);
    public bool IsCompliance => Roles.Contains(Auth.Roles.Compliance);
    public bool IsAppOwner => Roles.Contains(Auth.Roles.AppOwner);
    /// <summary>May read every record (but only Admin may change configuration).</summary>
    public bool CanReadEverything => IsAdmin || IsCompliance;

    public static Viewer From(ClaimsPrincipal principal)
    {
        var id = int.TryParse(principal.FindFirstValue(IdentityIdClaim), out var parsed) ? parsed : (int?)null;
        var roles = principal.FindAll(principal.Identities.FirstOrDefault()?.RoleClaimType ?? ClaimTypes.Role)
            .Select(c => c.Value)
            .Concat(principal.FindAll(ClaimTypes.Role).Select(c => c.Value))
            .ToHashSet(StringComparer.Ordinal);
        return new Viewer(id, principal.Identity?.Name ?? "unknown", roles);
    }

    public static Viewer System(string job) => new(null, $"job:{job}", new HashSet<string>());
}
