using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.People;

namespace ReviewPortal.Web.Infrastructure.Auth;

/// <summary>
/// Links an Entra sign-in to its portal identity, so resource checks ("my reports", "my items") work on identity ids.
/// By the token's object id first (<c>oid</c>: the person's id in Entra, which the people sync stored as
/// <see cref="Identity.DirectoryId"/>), after checking the token's tenant (<c>tid</c>) is the portal's; an email address
/// (<c>preferred_username</c> is mutable and reassignable) only as the first match of someone not yet matched by id,
/// and only when exactly one person has it: an address two people share links neither, and the Connectors page lists
/// it for the admin. Dev sign-in sets the claim itself.
/// </summary>
public sealed class PortalIdentityClaims(IDbContextFactory<ReviewPortalDbContext> contexts, IConfiguration configuration,
    PeopleOptions people, ILogger<PortalIdentityClaims> logger) : IClaimsTransformation
{
    private const string ObjectIdClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";
    private const string TenantIdClaim = "http://schemas.microsoft.com/identity/claims/tenantid";

    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true || principal.HasClaim(c => c.Type == Viewer.IdentityIdClaim))
        {
            return principal;
        }
        var tenant = principal.FindFirstValue(TenantIdClaim) ?? principal.FindFirstValue("tid");
        var expectedTenant = configuration["AzureAd:TenantId"];
        if (tenant is not null && Guid.TryParse(expectedTenant, out var expected)
            && !(Guid.TryParse(tenant, out var actual) && actual == expected))
        {
            logger.LogWarning("A sign-in from tenant {Tenant} is not linked to anyone: the portal's tenant is {Expected}", tenant, expectedTenant);
            return principal;
        }
        await using var db = await contexts.CreateDbContextAsync();
        var id = await ByObjectIdAsync(db, principal) ?? await ByEmailAsync(db, principal);
        if (id is null)
        {
            return principal;
        }
        var clone = principal.Clone();
        ((ClaimsIdentity)clone.Identity!).AddClaim(new Claim(Viewer.IdentityIdClaim, id.Value.ToString()));
        return clone;
    }

    private static async Task<int?> ByObjectIdAsync(ReviewPortalDbContext db, ClaimsPrincipal principal)
    {
        var objectId = principal.FindFirstValue(ObjectIdClaim) ?? principal.FindFirstValue("oid");
        return string.IsNullOrWhiteSpace(objectId) ? null : await db.Identities
            .Where(i => i.Kind == IdentityKind.Person && i.DirectoryId == objectId)
            .Select(i => (int?)i.Id).SingleOrDefaultAsync();
    }

    private async Task<int?> ByEmailAsync(ReviewPortalDbContext db, ClaimsPrincipal principal)
    {
        var email = principal.FindFirstValue("preferred_username") ?? principal.FindFirstValue(ClaimTypes.Email)
            ?? principal.FindFirstValue(ClaimTypes.Upn);
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }
        var normalized = email.Trim().ToLowerInvariant();
        var candidates = db.Identities.Where(i => i.Kind == IdentityKind.Person && i.Email == normalized);
        if (people.Source == PeopleSource.EntraId)
        {
            // Someone Entra already identified is linked by their object id only: the address may have been reassigned.
            candidates = candidates.Where(i => i.DirectoryId == null);
        }
        var found = await candidates.Select(i => i.Id).Take(2).ToListAsync();
        if (found.Count > 1)
        {
            logger.LogError("A sign-in is not linked to anyone: more than one person has its email address (listed on the Connectors page)");
            return null;
        }
        return found.Count == 1 ? found[0] : null;
    }
}
