using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>Settings of the <c>Campaigns</c> configuration section.</summary>
public sealed class CampaignsOptions
{
    public const string Section = "Campaigns";

    /// <summary>Cron of <see cref="AutoCloseCampaignsJob"/> (default every 5 minutes: a campaign closes within 5 minutes of its due time).</summary>
    [Cron]
    public string AutoCloseCron { get; set; } = "*/5 * * * *";

    /// <summary>
    /// Cron of <see cref="LaunchCampaignTemplatesJob"/> (default hourly at :20): a run is launched within the hour after it
    /// comes due (runs are days at 00:00 UTC, or the template's own cron). The recurring campaigns themselves are set under
    /// Campaigns → Recurring.
    /// </summary>
    [Cron]
    public string TemplatesCron { get; set; } = "20 * * * *";
}
