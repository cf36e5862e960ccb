using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Reviews;

/// <summary>
/// A reviewer back early (or who changed their mind) clears their delegation; audited ("review.delegation-cleared"). Items
/// already handed over stay with the delegate, who has perhaps started on them; the delegate can reassign any back.
/// </summary>
public sealed class ClearDelegation(IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    public const string AuditAction = "review.delegation-cleared";

    public async Task<Result> HandleAsync(Viewer viewer, string correlationId, CancellationToken cancellationToken = default)
    {
        if (viewer.IdentityId is not { } reviewerId)
        {
            return Refusal.Forbidden("Your sign-in is not linked to a person in the directory, so there are no reviews to delegate.");
        }
        var actor = new AuditActor(reviewerId, viewer.Name, time.GetUtcNow(), correlationId);
        try
        {
            return await contexts.WriteAsync<Result>(async (db, ct) =>
            {
                var delegation = await db.ReviewerDelegations.FirstOrDefaultAsync(d => d.ReviewerId == reviewerId, ct);
                if (delegation is null)
                {
                    return Refusal.NotFound("You have no delegation to clear.");
                }
                db.ReviewerDelegations.Remove(delegation);
                db.Audit(actor, AuditAction, delegation, new { delegation.DelegateId, delegation.From, delegation.Until }, identityId: reviewerId);
                return Result.Done;
            }, cancellationToken);
        }
        catch (LedgerBusyException)
        {
            return Refusal.Busy("Your delegation was not cleared");
        }
    }
}
