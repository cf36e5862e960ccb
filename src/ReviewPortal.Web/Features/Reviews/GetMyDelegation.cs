using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Features.Identities;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Reviews;

/// <summary>The viewer's own out-of-office delegation, for the panel on My reviews.</summary>
public sealed class GetMyDelegation(IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    public async Task<Result<MyDelegation>> HandleAsync(Viewer viewer, CancellationToken cancellationToken = default)
    {
        if (viewer.IdentityId is not { } reviewerId)
        {
            return Refusal.Forbidden("Your sign-in is not linked to a person in the directory, so there are no reviews to delegate.");
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var current = await db.ReviewerDelegations.AsNoTracking().Where(d => d.ReviewerId == reviewerId)
            .Select(d => new
            {
                Delegate = new PersonOption(d.DelegateId, d.Delegate.DisplayName, d.Delegate.Title, d.Delegate.Department, d.Delegate.Email),
                d.From, d.Until,
            })
            .FirstOrDefaultAsync(cancellationToken);
        return current is null
            ? new MyDelegation(null, null, null, false, false)
            : new MyDelegation(current.Delegate, current.From, current.Until, current.From <= today && today <= current.Until, current.Until < today);
    }
}

/// <summary>The viewer's delegation, or all nulls when there is none.</summary>
public sealed record MyDelegation(PersonOption? Delegate, DateOnly? From, DateOnly? Until, bool InForce, bool Ended);
