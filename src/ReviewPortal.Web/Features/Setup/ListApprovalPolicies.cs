using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Identities;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Setup;

/// <summary>Every approval policy (the default first, then resources', then entitlements'), in words. Admin and Compliance.</summary>
public sealed class ListApprovalPolicies(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public async Task<Result<ApprovalPoliciesView>> HandleAsync(Viewer viewer, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsAndCompliance(viewer, "can see the approval policies") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.ApprovalPolicies.AsNoTracking()
            .OrderByDescending(p => p.Scope).ThenBy(p => p.Resource != null ? p.Resource.Name : p.Entitlement != null ? p.Entitlement.Resource.Name : "")
            .ThenBy(p => p.Entitlement != null ? p.Entitlement.DisplayName : "")
            .Select(p => new ApprovalPolicyRow(p.Id, p.Scope, p.EntitlementId, p.ResourceId,
                p.Scope == ApprovalPolicyScope.Default ? "Default policy"
                    : p.Resource != null ? p.Resource.Name
                    : p.Entitlement != null ? p.Entitlement.DisplayName : "?",
                p.Entitlement != null ? p.Entitlement.Resource.Name : null,
                p.Flow,
                db.Identities.Where(i => i.Id == p.SecondApproverId).Select(i => new PersonRef(i.Id, i.DisplayName, i.EmploymentStatus)).FirstOrDefault(),
                db.Identities.Where(i => i.Id == p.FallbackApproverId).Select(i => new PersonRef(i.Id, i.DisplayName, i.EmploymentStatus)).FirstOrDefault(),
                p.EscalateAfterDays, p.MaxDurationDays, p.Version, p.UpdatedAt,
                db.Identities.Where(i => i.Id == p.UpdatedById).Select(i => i.DisplayName).FirstOrDefault()))
            .ToListAsync(cancellationToken);
        return new ApprovalPoliciesView(rows, viewer.IsAdmin);
    }
}

public sealed record ApprovalPoliciesView(IReadOnlyList<ApprovalPolicyRow> Policies, bool CanEdit)
{
    public ApprovalPolicyRow? Default => Policies.FirstOrDefault(p => p.Scope == ApprovalPolicyScope.Default);
}

public sealed record ApprovalPolicyRow(int Id, ApprovalPolicyScope Scope, int? EntitlementId, int? ResourceId, string Target, string? TargetResource,
    ApprovalFlow Flow, PersonRef? SecondApprover, PersonRef? FallbackApprover, int EscalateAfterDays, int? MaxDurationDays, int Version,
    DateTimeOffset? UpdatedAt, string? UpdatedBy)
{
    public string ScopeKey => ApprovalPolicy.ScopeKeyOf(Scope, EntitlementId, ResourceId);

    /// <summary>"Workspace prod (every entitlement)", "prod: Developer", "Default policy".</summary>
    public string AppliesTo => Scope switch
    {
        ApprovalPolicyScope.Resource => $"{Target} (every entitlement)",
        ApprovalPolicyScope.Entitlement => Target,
        _ => "Default policy (when neither the entitlement nor its resource has one)",
    };
}
