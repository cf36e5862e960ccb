using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Requests;

/// <summary>
/// An admin confirms a manual fulfilment was done by hand; the grant and its trail are recorded (the next sync verifies it).
/// Only once the portal has handed the request over: not while its own provisioning attempts are still scheduled.
/// </summary>
public sealed class ConfirmFulfilment(IDbContextFactory<ReviewPortalDbContext> contexts, FulfilAccessRequest fulfil, TimeProvider time)
{
    public async Task<Result> HandleAsync(Viewer viewer, long requestId, string correlationId, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsOnly(viewer, "confirm manual fulfilment") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var request = await db.AccessRequests.Include(r => r.Requester).Include(r => r.Steps).ThenInclude(s => s.Approver)
            .FirstOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        if (request is null)
        {
            return Refusal.NotFound("No such access request.");
        }
        if (request.Status != AccessRequestStatus.Approved)
        {
            return Refusal.Conflict("Only approved requests awaiting fulfilment can be confirmed.");
        }
        var now = time.GetUtcNow();
        if (request.ProvisionAt is { } next)
        {
            // The portal still owns it: a grant recorded now could meet the portal's own attempt and make two.
            return Refusal.Conflict(request.StartsAt > now
                ? $"This access starts on {Humanize.Date(request.StartsAt)}; the portal provisions it then."
                : $"The portal is still provisioning this through the Admin API (next attempt {Humanize.DateTime(next)}); " +
                    "if that keeps failing, it comes to you here to do by hand.");
        }
        fulfil.RecordGrant(db, request, new AuditActor(viewer.IdentityId, viewer.Name, now, correlationId), $"granted by hand, confirmed by {viewer.Name}");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Refusal.Conflict("The request changed while you confirmed it; reload the page to see where it stands.");
        }
        return Result.Done;
    }
}
