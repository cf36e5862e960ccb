using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Web.Features.Requests;

/// <summary>An admin confirms a manual fulfilment was done by hand; the grant and its trail are recorded (the next sync verifies it).</summary>
public sealed class ConfirmFulfilment(IDbContextFactory<ReviewPortalDbContext> contexts, FulfilAccessRequest fulfil, TimeProvider time)
{
    public async Task<string?> HandleAsync(Viewer viewer, long requestId, string correlationId, CancellationToken cancellationToken = default)
    {
        if (!viewer.IsAdmin)
        {
            return "Only admins confirm manual fulfilment.";
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var request = await db.AccessRequests.Include(r => r.Requester).Include(r => r.Steps).ThenInclude(s => s.Approver)
            .FirstOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        if (request is null || request.Status != AccessRequestStatus.Approved)
        {
            return "Only approved requests awaiting fulfilment can be confirmed.";
        }
        fulfil.RecordGrant(db, request, new AuditActor(viewer.IdentityId, viewer.Name, time.GetUtcNow(), correlationId), $"granted by hand, confirmed by {viewer.Name}");
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }
}
