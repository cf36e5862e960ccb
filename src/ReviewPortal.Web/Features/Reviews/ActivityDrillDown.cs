using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;

namespace ReviewPortal.Web.Features.Reviews;

/// <summary>
/// The drill-down from a review item into its identity's raw Activity Feed events: what the identity did most in the days
/// before the evidence was taken. One seek on the (IdentityId, OccurredAt) index, grouped by type; the benchmark times it
/// at 10 M events (docs/performance.md).
/// </summary>
public static class ActivityDrillDown
{
    public static Task<List<TypeCount>> TopTypesAsync(ReviewPortalDbContext db, int identityId, DateTimeOffset asOf, int days, int take,
        CancellationToken cancellationToken)
    {
        var from = asOf.AddDays(-days);
        return db.ActivityEvents.AsNoTracking()
            .Where(e => e.IdentityId == identityId && e.OccurredAt >= from && e.OccurredAt <= asOf)
            .GroupBy(e => e.Type).Select(g => new { Type = g.Key, Count = g.Count() })
            .OrderByDescending(t => t.Count).Take(take).Select(t => new TypeCount(t.Type, t.Count)).ToListAsync(cancellationToken);
    }
}
