namespace ReviewPortal.Web.Features.Connectors;

public sealed class IngestionOptions
{
    public const string Section = "Ingestion";

    /// <summary>Cron of the Activity Feed catch-up (default every minute).</summary>
    public string ActivityCron { get; set; } = "* * * * *";
    /// <summary>Cron of the directory sync (default hourly).</summary>
    public string DirectoryCron { get; set; } = "0 * * * *";
    /// <summary>How far the first run reaches back.</summary>
    public int BackfillDays { get; set; } = 90;
    /// <summary>Activity Feed page size (the API allows up to 5,000).</summary>
    public int PageSize { get; set; } = 5000;
    /// <summary>Re-polled window for events indexed late, behind the cursor.</summary>
    public int OverlapMinutes { get; set; } = 15;
    /// <summary>The API makes events queryable within a minute; the re-poll stops this far from now.</summary>
    public int IndexingLagSeconds { get; set; } = 60;
}
