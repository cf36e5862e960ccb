using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;

namespace ReviewPortal.Web.Infrastructure.Auth;

/// <summary>
/// Links an Entra sign-in to the portal identity with the same email, so resource checks
/// ("my reports", "my items") work on identity ids. Dev sign-in sets the claim itself.
/// </summary>
public sealed class PortalIdentityClaims(IDbContextFactory<ReviewPortalDbContext> contexts) : IClaimsTransformation
{
    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true || principal.HasClaim(c => c.Type == Viewer.IdentityIdClaim))
        {
            return principal;
        }
        var email = principal.FindFirstValue("preferred_username") ?? principal.FindFirstValue(ClaimTypes.Email)
            ?? principal.FindFirstValue(ClaimTypes.Upn);
        if (string.IsNullOrWhiteSpace(email))
        {
            return principal;
        }
        await using var db = await contexts.CreateDbContextAsync();
        var normalized = email.Trim().ToLowerInvariant();
        var id = await db.Identities.Where(i => i.Email == normalized && i.Kind == Domain.IdentityKind.Person)
            .Select(i => (int?)i.Id).FirstOrDefaultAsync();
        if (id is null)
        {
            return principal;
        }
        var clone = principal.Clone();
        ((ClaimsIdentity)clone.Identity!).AddClaim(new Claim(Viewer.IdentityIdClaim, id.Value.ToString()));
        return clone;
    }
}
