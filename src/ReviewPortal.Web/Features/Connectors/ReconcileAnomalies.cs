using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// The tripwire for what ADR 0005 takes as impossible: one activity delivered under two created_at values. The
/// time-keyed unique index would then hold it twice, so after each re-poll the ids stored in the re-read window under
/// more than one created_at are looked for (one range scan of that index, grouped by id). Each such id is quarantined as
/// an anomaly naming its times, once: it counts in the run's quarantined records and is listed on the connectors page.
/// Both rows stay where they are: which time is right is not the portal's to decide, and a stored activity is never
/// removed silently. Only the window is compared: an id stored before the window and sent again inside it goes
/// unnoticed (nothing indexes the id alone any more), which is why this is a tripwire for a broken promise, not a dedupe path.
/// </summary>
public static class ReconcileAnomalies
{
    public const string ReasonPrefix = "anomaly: activity ";

    /// <summary>Adds a quarantine record for each id stored twice in the window that has none yet; returns how many it added.</summary>
    public static async Task<int> QuarantineAsync(ReviewPortalDbContext db, ReconcileWindow window, long runId, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var inWindow = db.ActivityEvents.Where(e => e.OccurredAt >= window.From && e.OccurredAt < window.To);
        var twice = inWindow.GroupBy(e => e.ActivityId).Where(g => g.Count() > 1).Select(g => g.Key);
        var rows = await inWindow.Where(e => twice.Contains(e.ActivityId))
            .Select(e => new { e.Id, e.ActivityId, e.OccurredAt, e.RawJson })
            .ToListAsync(cancellationToken);
        var added = 0;
        foreach (var activity in rows.GroupBy(r => r.ActivityId, StringComparer.Ordinal))
        {
            var reason = ReasonPrefix + activity.Key + " ";
            // Windows overlap, so the next re-poll finds the same pair again: one record per id is enough.
            if (await db.QuarantinedRecords.AnyAsync(q => q.Reason.StartsWith(reason), cancellationToken))
            {
                continue;
            }
            var times = string.Join(", ", activity.OrderBy(r => r.Id).Select(r => r.OccurredAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)));
            db.QuarantinedRecords.Add(new QuarantinedRecord
            {
                IngestionRunId = runId,
                ReceivedAt = now,
                Reason = MaxLengths.Truncate(
                    $"{reason}is stored under {activity.Count()} created_at values ({times}); an activity's created_at was taken as fixed " +
                    "(docs/decisions/0005-activity-dedupe-index.md), so each is kept and counted: check the feed before trusting its counts",
                    MaxLengths.QuarantinedRecord.Reason),
                // The latest copy as received; the earlier one is the stored event with the first time above.
                RawJson = activity.MaxBy(r => r.Id)!.RawJson,
            });
            added++;
        }
        return added;
    }
}
