using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// A directory sync the <see cref="MassChangeGuard"/> blocked, as its run records it: the run's error says why in
/// words, its details carry the judged change. It stays the condition to act on while it is the latest directory sync.
/// </summary>
public sealed record BlockedDirectorySync(long RunId, DateTimeOffset At, string Error, MassChange Change)
{
    /// <summary>The outbox condition of the admin alert (one mail per day while syncs stay blocked).</summary>
    public const string AlertCondition = "directory-mass-change";

    public static string Describe(MassChange change, IngestionOptions options) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"Blocked: this sync would close {change.Removing} of {change.Total} open grants ({change.Share:P0}), more than the {change.Limit} " +
        $"one sync may close (Ingestion:MaxGrantsClosedShare {options.MaxGrantsClosedShare:P0}, always up to {options.MaxGrantsClosedFloor}). " +
        $"Nothing was changed. An empty or cut-short answer from the Compliance or Admin API looks like this; " +
        $"if the change is genuine, an admin can apply it once from the Connectors page.");

    public static string DetailsJson(MassChange change, long? approvedRun) => JsonSerializer.Serialize(new Details(change, approvedRun));

    /// <summary>The latest directory sync that was not skipped, if the guard blocked it; null otherwise.</summary>
    public static async Task<BlockedDirectorySync?> LatestAsync(ReviewPortalDbContext db, CancellationToken cancellationToken)
    {
        var latest = await db.IngestionRuns.AsNoTracking().Where(r => r.Job == SyncDirectoryJob.JobName)
            .OrderByDescending(r => r.Id).Select(r => new { r.Id, r.Status, r.StartedAt, r.Error, r.Details })
            .FirstOrDefaultAsync(cancellationToken);
        if (latest is not { Status: IngestionRunStatus.Blocked, Details: { } details })
        {
            return null;
        }
        return JsonSerializer.Deserialize<Details>(details)?.MassChange is { } change
            ? new BlockedDirectorySync(latest.Id, latest.StartedAt, latest.Error ?? "", change)
            : null;
    }

    private sealed record Details(MassChange MassChange, long? ApprovedRun);
}
