using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>The <c>Campaigns</c> section; the recurring campaigns themselves are set under Campaigns → Recurring.</summary>
public sealed class CampaignTemplateOptions
{
    public const string Section = "Campaigns";

    /// <summary>
    /// Cron of <see cref="LaunchCampaignTemplatesJob"/> (default hourly at :20): a run is launched within the hour after it
    /// comes due (runs are days at 00:00 UTC, or the template's own cron).
    /// </summary>
    [Cron]
    public string TemplatesCron { get; set; } = "20 * * * *";
}
