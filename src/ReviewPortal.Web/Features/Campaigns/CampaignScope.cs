using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>The open grants a definition covers, projected with what reviewer resolution and evidence need.</summary>
public static class CampaignScope
{
    public static IQueryable<ScopedGrant> Select(ReviewPortalDbContext db, CampaignDefinition d, DateTimeOffset now)
    {
        var grants = db.Grants.AsNoTracking().Where(g => g.EndedAt == null);
        if (d.EntitlementKinds.Count > 0)
        {
            grants = grants.Where(g => d.EntitlementKinds.Contains(g.Entitlement.Kind));
        }
        if (d.IdentityKinds.Count > 0)
        {
            grants = grants.Where(g => d.IdentityKinds.Contains(g.Identity.Kind));
        }
        if (d.ResourceIds.Count > 0)
        {
            grants = grants.Where(g => d.ResourceIds.Contains(g.Entitlement.ResourceId)
                || (g.Entitlement.Resource.ParentId != null && d.ResourceIds.Contains(g.Entitlement.Resource.ParentId.Value)));
        }
        if (d.Departments.Count > 0)
        {
            grants = grants.Where(g => (g.Identity.Department != null && d.Departments.Contains(g.Identity.Department))
                || (g.Identity.Owner != null && g.Identity.Owner.Department != null && d.Departments.Contains(g.Identity.Owner.Department)));
        }
        if (d.Roles.Count > 0)
        {
            grants = grants.Where(g => d.Roles.Contains(g.Entitlement.Value));
        }
        var since = now.AddDays(-d.ActivityDays);
        grants = d.Activity switch
        {
            ActivityFilter.ActiveWithin => grants.Where(g => g.Identity.LastActiveAt >= since),
            ActivityFilter.DormantAtLeast => grants.Where(g => g.Identity.LastActiveAt == null || g.Identity.LastActiveAt < since),
            ActivityFilter.NewGrantsWithin => grants.Where(g => g.GrantedAt >= since),
            _ => grants,
        };
        return Project(grants);
    }

    /// <summary>Projects any grant query (the lifecycle job builds its own) to what reviewer resolution and evidence need.</summary>
    public static IQueryable<ScopedGrant> Project(IQueryable<Grant> grants) =>
        grants.Select(g => new ScopedGrant
        {
            GrantId = g.Id,
            GrantedAt = g.GrantedAt,
            AccessRequestId = g.AccessRequestId,
            IdentityId = g.IdentityId,
            IdentityKind = g.Identity.Kind,
            IdentityName = g.Identity.DisplayName,
            Department = g.Identity.Department ?? (g.Identity.Owner != null ? g.Identity.Owner.Department : null),
            Title = g.Identity.Title,
            Employed = g.Identity.EmploymentStatus == EmploymentStatus.Active,
            LastActiveAt = g.Identity.LastActiveAt,
            IdentityCreatedAt = g.Identity.CreatedAt,
            ManagerId = g.Identity.ManagerId,
            ManagerName = g.Identity.Manager != null ? g.Identity.Manager.DisplayName : null,
            OwnerId = g.Identity.OwnerId,
            OwnerName = g.Identity.Owner != null ? g.Identity.Owner.DisplayName : null,
            OwnerEmployed = g.Identity.Owner != null ? g.Identity.Owner.EmploymentStatus == EmploymentStatus.Active : null,
            OwnerManagerId = g.Identity.Owner != null ? g.Identity.Owner.ManagerId : null,
            EntitlementId = g.EntitlementId,
            EntitlementName = g.Entitlement.DisplayName,
            EntitlementValue = g.Entitlement.Value,
            EntitlementKind = g.Entitlement.Kind,
            IsPrivileged = g.Entitlement.IsPrivileged,
            ReducesToId = g.Entitlement.ReducesToId,
            ResourceId = g.Entitlement.ResourceId,
            ResourceName = g.Entitlement.Resource.Name,
            ResourceExternalId = g.Entitlement.Resource.ExternalId,
            ResourceOwnerId = g.Entitlement.Resource.OwnerId ?? (g.Entitlement.Resource.Parent != null ? g.Entitlement.Resource.Parent.OwnerId : null),
        });
}

public sealed record ScopedGrant
{
    public long GrantId { get; init; }
    public DateTimeOffset GrantedAt { get; init; }
    public long? AccessRequestId { get; init; }
    public int IdentityId { get; init; }
    public IdentityKind IdentityKind { get; init; }
    public string IdentityName { get; init; } = "";
    public string? Department { get; init; }
    public string? Title { get; init; }
    public bool Employed { get; init; }
    public DateTimeOffset? LastActiveAt { get; init; }
    public DateTimeOffset IdentityCreatedAt { get; init; }
    public int? ManagerId { get; init; }
    public string? ManagerName { get; init; }
    public int? OwnerId { get; init; }
    public string? OwnerName { get; init; }
    public bool? OwnerEmployed { get; init; }
    public int? OwnerManagerId { get; init; }
    public int EntitlementId { get; init; }
    public string EntitlementName { get; init; } = "";
    public string EntitlementValue { get; init; } = "";
    public EntitlementKind EntitlementKind { get; init; }
    public bool IsPrivileged { get; init; }
    public int? ReducesToId { get; init; }
    public int ResourceId { get; init; }
    public string ResourceName { get; init; } = "";
    /// <summary>The workspace id a workspace role's evidence is counted in (<see cref="EntitlementEvidencePolicy"/>).</summary>
    public string ResourceExternalId { get; init; } = "";
    public int? ResourceOwnerId { get; init; }

    public bool IsHuman => IdentityKind == IdentityKind.Person;
}
