using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Connectors;

public sealed class IngestionOptions
{
    public const string Section = "Ingestion";

    /// <summary>Cron of the Activity Feed catch-up (default every minute).</summary>
    [Cron]
    public string ActivityCron { get; set; } = "* * * * *";
    /// <summary>Cron of the directory sync (default hourly).</summary>
    [Cron]
    public string DirectoryCron { get; set; } = "0 * * * *";
    /// <summary>How far the first run reaches back.</summary>
    public int BackfillDays { get; set; } = 90;
    /// <summary>Activity Feed page size (the API allows up to 5,000).</summary>
    public int PageSize { get; set; } = 5000;
    /// <summary>
    /// How many fetched pages may wait for storage while the next is read (default 2). The store takes every waiting page as
    /// one unit of work, so a backfill commits up to this many pages at a time; memory holds up to twice as many pages, plus
    /// the one being read. Below 1 counts as 1. Each page more raises the peak working set (docs/performance.md, read-ahead).
    /// </summary>
    public int PagesAhead { get; set; } = 2;
    /// <summary>Re-polled window for events indexed late, behind the cursor: this long before the last completed re-poll.</summary>
    public int OverlapMinutes { get; set; } = 15;
    /// <summary>
    /// After an outage the re-poll reaches back to the last completed one, but never further than this: one run after a
    /// month of downtime must not re-read the month (the catch-up already read every event the cursor passed).
    /// </summary>
    public int MaxReconcileHours { get; set; } = 24;
    /// <summary>The API makes events queryable within a minute; the re-poll stops this far from now.</summary>
    public int IndexingLagSeconds { get; set; } = 60;
    /// <summary>
    /// Raw Activity Feed events older than this many days (whole UTC days) are deleted by the nightly
    /// <see cref="PruneActivityEventsJob"/>; 0 keeps them forever. The daily rollups are kept.
    /// </summary>
    public int RetentionDays { get; set; } = 400;
    /// <summary>Cron of <see cref="PruneActivityEventsJob"/> (default nightly at 02:30 UTC).</summary>
    [Cron]
    public string RetentionCron { get; set; } = "30 2 * * *";
    /// <summary>Events deleted per unit of work (and audit entry): each batch holds the write lock only briefly.</summary>
    public int RetentionBatchSize { get; set; } = 20_000;
    /// <summary>
    /// A directory sync that would close more than this share of the open grants it is the source of truth for changes
    /// nothing and is blocked (<see cref="MassChangeGuard"/>): an empty or truncated upstream answer looks like everyone left.
    /// </summary>
    public double MaxGrantsClosedShare { get; set; } = 0.2;
    /// <summary>Closing this many grants is never blocked, whatever the share: one leaver's grants in a small organization.</summary>
    public int MaxGrantsClosedFloor { get; set; } = 5;
    /// <summary>Cron of the usage catch-up (<see cref="IngestUsageJob"/>; default hourly at :20: upstream fills a day over hours).</summary>
    [Cron]
    public string UsageCron { get; set; } = "20 * * * *";
    /// <summary>How many UTC days (today included) the first usage run reads.</summary>
    public int UsageBackfillDays { get; set; } = 90;
    /// <summary>
    /// Every usage run reads again the last this many UTC days (today included): upstream revises late data, and the re-read
    /// replaces each day's rows.
    /// </summary>
    public int UsageRereadDays { get; set; } = 3;
    /// <summary>Rows per page of the Analytics API and Claude Code analytics (both allow up to 1,000).</summary>
    public int UsagePageSize { get; set; } = 1000;
}
