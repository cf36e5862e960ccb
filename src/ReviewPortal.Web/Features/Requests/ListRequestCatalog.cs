using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Requests;

/// <summary>What a person can ask for, and for whom: themselves or a non-human identity they own.</summary>
public sealed class ListRequestCatalog(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public async Task<Result<RequestCatalog>> HandleAsync(Viewer viewer, string? search, CancellationToken cancellationToken = default)
    {
        if (viewer.IdentityId is not { } me)
        {
            // A sign-in linked to no person can request for nobody (submitting says why).
            return new RequestCatalog([], []);
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entitlements = db.Entitlements.AsNoTracking().Where(e => e.IsRequestable && e.Resource.ArchivedAt == null);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var t = search.Trim().ToLower();
            entitlements = entitlements.Where(e => e.DisplayName.ToLower().Contains(t) || e.Resource.Name.ToLower().Contains(t));
        }
        var rows = await entitlements.OrderBy(e => e.Resource.Platform).ThenBy(e => e.Resource.Name).ThenBy(e => e.DisplayName).Take(100)
            .Select(e => new { Entitlement = e, Resource = e.Resource.Name, e.Resource.Platform })
            .ToListAsync(cancellationToken);
        // The limits a request will be held to: the entitlement's own and its approval policy's.
        var policies = await ApprovalPolicies.LoadAsync(db, cancellationToken);
        var items = rows.Select(r =>
        {
            var e = r.Entitlement;
            var policy = policies.For(e.Id, e.ResourceId);
            return new CatalogEntry(e.Id, e.DisplayName, r.Resource, r.Platform, e.Kind, e.IsPrivileged, ApprovalPolicies.MaxDurationDays(e, policy),
                ApprovalPolicies.AllowsPermanent(e, policy));
        }).ToList();
        var beneficiaries = await db.Identities.AsNoTracking()
            .Where(i => i.Id == me || (i.OwnerId == me && i.Status != "archived"))
            .OrderBy(i => i.Id != me).ThenBy(i => i.DisplayName)
            .Select(i => new Beneficiary(i.Id, i.Id == me ? $"Myself ({i.DisplayName})" : $"{i.DisplayName} ({Humanize.Kind(i.Kind)})", i.Kind))
            .ToListAsync(cancellationToken);
        return new RequestCatalog(items, beneficiaries);
    }
}

public sealed record RequestCatalog(IReadOnlyList<CatalogEntry> Entitlements, IReadOnlyList<Beneficiary> Beneficiaries);

public sealed record CatalogEntry(int Id, string Name, string Resource, Platform Platform, EntitlementKind Kind, bool IsPrivileged,
    int? MaxDurationDays, bool AllowsPermanent)
{
    public override string ToString() => $"{Name} · {Resource}";
}

public sealed record Beneficiary(int Id, string Name, IdentityKind Kind)
{
    public override string ToString() => Name;
}
