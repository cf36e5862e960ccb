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
        var now = time.GetUtcNow();
        var actor = new AuditActor(viewer.IdentityId, viewer.Name, now, correlationId);
        try
        {
            // One unit: the checks and the grant commit together; the request's version (and the one-grant-per-request index)
            // make the second of two confirmations that read the same request fail instead of recording a second grant.
            var refusal = await contexts.WriteAsync<Refusal?>(async (db, ct) =>
            {
                var request = await db.AccessRequests.Include(r => r.Requester).Include(r => r.Steps).ThenInclude(s => s.Approver)
                    .FirstOrDefaultAsync(r => r.Id == requestId, ct);
                if (request is null)
                {
                    return Refusal.NotFound("No such access request.");
                }
                if (request.Status != AccessRequestStatus.Approved)
                {
                    return Refusal.Conflict("Only approved requests awaiting fulfilment can be confirmed.");
                }
                if (request.ProvisionAt is { } next)
                {
                    // The portal still owns it: a grant recorded now could meet the portal's own attempt and make two.
                    return Refusal.Conflict(request.StartsAt > now
                        ? $"This access starts on {Humanize.Date(request.StartsAt)}; the portal provisions it then."
                        : $"The portal is still provisioning this through the Admin API (next attempt {Humanize.DateTime(next)}); " +
                            "if that keeps failing, it comes to you here to do by hand.");
                }
                fulfil.RecordGrant(db, request, actor, $"granted by hand, confirmed by {viewer.Name}");
                return null;
            }, cancellationToken);
            if (refusal is not null)
            {
                return refusal;
            }
        }
        catch (DbUpdateException)
        {
            // A stale version, or the unique grant of the request: another confirmation (or the portal) recorded it first.
            return Refusal.Conflict("The request changed while you confirmed it; reload the page to see where it stands.");
        }
        catch (LedgerBusyException)
        {
            return Refusal.Busy("The confirmation was not saved");
        }
        return Result.Done;
    }
}
