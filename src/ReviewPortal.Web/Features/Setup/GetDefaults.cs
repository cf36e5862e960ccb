using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Identities;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Setup;

/// <summary>The fallback reviewer and fallback approver as saved, with who saved them. Admin and Compliance.</summary>
public sealed class GetDefaults(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public async Task<Result<DefaultsView>> HandleAsync(Viewer viewer, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsAndCompliance(viewer, "can see the defaults") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var view = await db.Defaults.AsNoTracking().Where(d => d.Id == PortalDefaults.SingletonId)
            .Select(d => new DefaultsView(
                db.Identities.Where(i => i.Id == d.FallbackReviewerId).Select(i => new PersonRef(i.Id, i.DisplayName, i.EmploymentStatus)).FirstOrDefault(),
                db.Identities.Where(i => i.Id == d.FallbackApproverId).Select(i => new PersonRef(i.Id, i.DisplayName, i.EmploymentStatus)).FirstOrDefault(),
                d.Version, d.UpdatedAt, db.Identities.Where(i => i.Id == d.UpdatedById).Select(i => i.DisplayName).FirstOrDefault(), viewer.IsAdmin))
            .FirstOrDefaultAsync(cancellationToken);
        return view ?? new DefaultsView(null, null, 0, null, null, viewer.IsAdmin);
    }

    /// <summary>The saved defaults for the handlers that apply them (campaign launch, approval routing, escalation).</summary>
    public static async Task<PortalDefaults> ReadAsync(ReviewPortalDbContext db, CancellationToken cancellationToken) =>
        await db.Defaults.AsNoTracking().FirstOrDefaultAsync(d => d.Id == PortalDefaults.SingletonId, cancellationToken)
        ?? new PortalDefaults { Id = PortalDefaults.SingletonId };
}

public sealed record DefaultsView(PersonRef? FallbackReviewer, PersonRef? FallbackApprover, int Version, DateTimeOffset? UpdatedAt,
    string? UpdatedBy, bool CanEdit);
