using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Setup;

/// <summary>What a policy can be for: a resource with requestable access, or one requestable entitlement. Admins only.</summary>
public sealed class SearchPolicyTargets(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public async Task<Result<IReadOnlyList<PolicyTarget>>> HandleAsync(Viewer viewer, string? term, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsOnly(viewer, "can change approval policies; Compliance can read them") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var t = term?.Trim().ToLower() ?? "";
        var resources = await db.Resources.AsNoTracking()
            .Where(r => r.ArchivedAt == null && db.Entitlements.Any(e => e.ResourceId == r.Id && e.IsRequestable) && r.Name.ToLower().Contains(t))
            .OrderBy(r => r.Name).Take(10)
            .Select(r => new { r.Id, r.Name, r.Kind, r.Platform }).ToListAsync(cancellationToken);
        var entitlements = await db.Entitlements.AsNoTracking()
            .Where(e => e.IsRequestable && e.Resource.ArchivedAt == null && (e.DisplayName.ToLower().Contains(t) || e.Resource.Name.ToLower().Contains(t)))
            .OrderBy(e => e.Resource.Name).ThenBy(e => e.DisplayName).Take(20)
            .Select(e => new PolicyTarget(ApprovalPolicyScope.Entitlement, e.Id, e.DisplayName)).ToListAsync(cancellationToken);
        List<PolicyTarget> targets = [.. resources.Select(r => new PolicyTarget(ApprovalPolicyScope.Resource, r.Id, $"{SetupWords.Kind(r.Kind, r.Platform)} {r.Name} (every entitlement)")),
            .. entitlements];
        return targets;
    }
}

public sealed record PolicyTarget(ApprovalPolicyScope Scope, int Id, string Name)
{
    public override string ToString() => Name;
}
