using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Identities;
using ReviewPortal.Web.Features.Setup;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>What the wizard offers: organizations and workspaces, departments and roles in the directory.</summary>
public sealed class GetCampaignOptions(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public async Task<Result<CampaignOptions>> HandleAsync(Viewer viewer, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsOnly(viewer, "can plan campaigns") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var resources = await db.Resources.AsNoTracking().Where(r => r.Kind != ResourceKind.Group)
            .OrderBy(r => r.Kind).ThenBy(r => r.Name)
            .Select(r => new ResourceOption(r.Id, r.Kind == ResourceKind.Organization ? r.Name : $"{r.Name} (workspace)", r.Kind))
            .ToListAsync(cancellationToken);
        var departments = await db.Identities.Where(i => i.Department != null).Select(i => i.Department!).Distinct().OrderBy(d => d)
            .ToListAsync(cancellationToken);
        var roles = await db.Entitlements.Select(e => e.Value).Distinct().OrderBy(v => v).ToListAsync(cancellationToken);
        // Setup's default fallback reviewer prefills the wizard (only while still employed: a leaver cannot review).
        var defaults = await GetDefaults.ReadAsync(db, cancellationToken);
        var fallback = await db.Identities.AsNoTracking()
            .Where(i => i.Id == defaults.FallbackReviewerId && i.EmploymentStatus == EmploymentStatus.Active)
            .Select(i => new PersonOption(i.Id, i.DisplayName, i.Title, i.Department, i.Email)).FirstOrDefaultAsync(cancellationToken);
        // Only kinds some identity has: a kind nobody holds would scope a campaign to nothing.
        var kinds = await db.Identities.Select(i => i.Kind).Distinct().ToListAsync(cancellationToken);
        return new CampaignOptions(resources, departments, roles, fallback) { IdentityKinds = [.. kinds.Order()] };
    }
}

public sealed record CampaignOptions(IReadOnlyList<ResourceOption> Resources, IReadOnlyList<string> Departments, IReadOnlyList<string> Roles,
    PersonOption? DefaultFallbackReviewer = null)
{
    /// <summary>The identity kinds that exist (people, API keys, service accounts, federated agents, Admin API keys), in order.</summary>
    public IReadOnlyList<IdentityKind> IdentityKinds { get; init; } = [];
}

public sealed record ResourceOption(int Id, string Name, ResourceKind Kind);
