using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Identities;

/// <summary>Thirty days of one identity's activity, read from the daily rollups (never the raw events).</summary>
public sealed record ActivitySummary(
    DateOnly From,
    DateOnly To,
    IReadOnlyList<DailyActivity> Days,
    DateTimeOffset? LastActiveAt)
{
    public int ActiveDays => Days.Count(d => d.Total > 0);
    public int TotalEvents => Days.Sum(d => d.Total);

    public IReadOnlyDictionary<ActivityCategory, int> ByCategory => Days
        .SelectMany(d => d.ByCategory)
        .GroupBy(kv => kv.Key)
        .ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value));

    public int? DaysSinceActive(DateTimeOffset now) =>
        LastActiveAt is { } last ? (int)Math.Floor((now - last).TotalDays) : null;

    public static async Task<ActivitySummary> LoadAsync(ReviewPortalDbContext db, int identityId, DateTimeOffset now,
        int days, CancellationToken cancellationToken)
    {
        var to = DateOnly.FromDateTime(now.UtcDateTime);
        var from = to.AddDays(-(days - 1));
        var rows = await db.ActivityRollups.AsNoTracking()
            .Where(r => r.IdentityId == identityId && r.Day >= from && r.Day <= to)
            .Select(r => new { r.Day, r.Category, r.Count })
            .ToListAsync(cancellationToken);
        var lastActive = await db.Identities.Where(i => i.Id == identityId).Select(i => i.LastActiveAt)
            .FirstOrDefaultAsync(cancellationToken);

        var byDay = rows.GroupBy(r => r.Day).ToDictionary(
            g => g.Key,
            g => (IReadOnlyDictionary<ActivityCategory, int>)g.ToDictionary(r => r.Category, r => r.Count));
        var series = Enumerable.Range(0, days)
            .Select(offset => from.AddDays(offset))
            .Select(day => new DailyActivity(day, byDay.GetValueOrDefault(day) ?? EmptyDay))
            .ToList();
        return new ActivitySummary(from, to, series, lastActive);
    }

    private static readonly IReadOnlyDictionary<ActivityCategory, int> EmptyDay = new Dictionary<ActivityCategory, int>();
}

public sealed record DailyActivity(DateOnly Day, IReadOnlyDictionary<ActivityCategory, int> ByCategory)
{
    public int Total => ByCategory.Values.Sum();
}
