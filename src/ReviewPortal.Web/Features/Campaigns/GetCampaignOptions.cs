using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>What the wizard offers: organizations and workspaces, departments and roles in the directory.</summary>
public sealed class GetCampaignOptions(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public async Task<CampaignOptions?> HandleAsync(Viewer viewer, CancellationToken cancellationToken = default)
    {
        if (!viewer.IsAdmin)
        {
            return null;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var resources = await db.Resources.AsNoTracking().Where(r => r.Kind != ResourceKind.Group)
            .OrderBy(r => r.Kind).ThenBy(r => r.Name)
            .Select(r => new ResourceOption(r.Id, r.Kind == ResourceKind.Organization ? r.Name : $"{r.Name} (workspace)", r.Kind))
            .ToListAsync(cancellationToken);
        var departments = await db.Identities.Where(i => i.Department != null).Select(i => i.Department!).Distinct().OrderBy(d => d)
            .ToListAsync(cancellationToken);
        var roles = await db.Entitlements.Select(e => e.Value).Distinct().OrderBy(v => v).ToListAsync(cancellationToken);
        return new CampaignOptions(resources, departments, roles);
    }
}

public sealed record CampaignOptions(IReadOnlyList<ResourceOption> Resources, IReadOnlyList<string> Departments, IReadOnlyList<string> Roles);

public sealed record ResourceOption(int Id, string Name, ResourceKind Kind);
