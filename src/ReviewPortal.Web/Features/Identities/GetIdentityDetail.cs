using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Identities;

/// <summary>The identity page: who it is, what it holds, who answers for it, and its 30-day activity.</summary>
public sealed class GetIdentityDetail(IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    public async Task<Result<IdentityDetailResult>> HandleAsync(Viewer viewer, int identityId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.Identities.AnyAsync(i => i.Id == identityId, cancellationToken))
        {
            return Refusal.NotFound($"No identity has the id {identityId}.");
        }
        // Checked here, on the server, before any of the identity's data is read.
        if (!await IdentityAccess.CanReadAsync(db, viewer, identityId, cancellationToken))
        {
            return Refusal.Forbidden(IdentityAccess.CannotRead);
        }

        var identity = await db.Identities.AsNoTracking()
            .Where(i => i.Id == identityId)
            .Select(i => new IdentityDetail(
                i.Id, i.ExternalId, i.Kind, i.DisplayName, i.Email, i.Department, i.Title, i.EmploymentStatus, i.DepartedAt,
                i.Status, i.KeyHint, i.CreatedAt, i.LastActiveAt,
                i.Manager == null ? null : new PersonRef(i.Manager.Id, i.Manager.DisplayName, i.Manager.EmploymentStatus),
                i.Owner == null ? null : new PersonRef(i.Owner.Id, i.Owner.DisplayName, i.Owner.EmploymentStatus)))
            .FirstAsync(cancellationToken);

        var grants = await db.Grants.AsNoTracking()
            .Where(g => g.IdentityId == identityId)
            .OrderBy(g => g.EndedAt != null).ThenBy(g => g.Entitlement.Resource.Name).ThenBy(g => g.Entitlement.DisplayName)
            .Select(g => new GrantRow(g.Id, g.Entitlement.Kind, g.Entitlement.DisplayName, g.Entitlement.Resource.Name,
                g.Entitlement.Resource.Platform, g.Entitlement.IsPrivileged, g.GrantedAt, g.EndedAt, g.ExpiresAt, g.Source))
            .ToListAsync(cancellationToken);

        var owned = await db.Identities.AsNoTracking()
            .Where(i => i.OwnerId == identityId)
            .OrderBy(i => i.DisplayName)
            .Select(i => new OwnedIdentity(i.Id, i.Kind, i.DisplayName, i.Status, i.LastActiveAt))
            .ToListAsync(cancellationToken);

        var reports = await db.Identities.CountAsync(i => i.ManagerId == identityId, cancellationToken);
        var activity = await ActivitySummary.LoadAsync(db, identityId, time.GetUtcNow(), 30, cancellationToken);
        return new IdentityDetailResult(identity, grants, owned, reports, activity);
    }
}

public sealed record IdentityDetailResult(
    IdentityDetail Identity, IReadOnlyList<GrantRow> Grants, IReadOnlyList<OwnedIdentity> Owned, int DirectReports, ActivitySummary Activity);

public sealed record IdentityDetail(
    int Id, string ExternalId, IdentityKind Kind, string DisplayName, string? Email, string? Department, string? Title,
    EmploymentStatus EmploymentStatus, DateTimeOffset? DepartedAt, string Status, string? KeyHint,
    DateTimeOffset CreatedAt, DateTimeOffset? LastActiveAt, PersonRef? Manager, PersonRef? Owner);

public sealed record PersonRef(int Id, string DisplayName, EmploymentStatus EmploymentStatus);

public sealed record GrantRow(
    long Id, EntitlementKind Kind, string Entitlement, string Resource, Platform Platform, bool IsPrivileged,
    DateTimeOffset GrantedAt, DateTimeOffset? EndedAt, DateTimeOffset? ExpiresAt, GrantSource Source);

public sealed record OwnedIdentity(int Id, IdentityKind Kind, string DisplayName, string Status, DateTimeOffset? LastActiveAt);
