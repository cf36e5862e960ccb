using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Web.Features.Identities;

/// <summary>
/// Who may read an identity: Admin and Compliance read all; otherwise only the person's manager,
/// an NHI's accountable owner, and that owner's manager (who reviews the keys their reports own).
/// </summary>
public static class IdentityAccess
{
    /// <summary>What a viewer who may not read an identity is told.</summary>
    public const string CannotRead = "Only Admin, Compliance, and the identity's manager or accountable owner can read this identity.";

    public static IQueryable<Identity> VisibleTo(this IQueryable<Identity> identities, Viewer viewer)
    {
        if (viewer.CanReadEverything)
        {
            return identities;
        }
        var me = viewer.IdentityId ?? -1;
        return identities.Where(i => i.ManagerId == me || i.OwnerId == me || (i.Owner != null && i.Owner.ManagerId == me));
    }

    public static Task<bool> CanReadAsync(ReviewPortalDbContext db, Viewer viewer, int identityId, CancellationToken cancellationToken) =>
        db.Identities.Where(i => i.Id == identityId).VisibleTo(viewer).AnyAsync(cancellationToken);
}
