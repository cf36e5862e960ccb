using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>Settings of the <c>Campaigns</c> configuration section.</summary>
public sealed class CampaignsOptions
{
    public const string Section = "Campaigns";

    /// <summary>Cron of <see cref="AutoCloseCampaignsJob"/> (default every 5 minutes: a campaign closes within 5 minutes of its due time).</summary>
    [Cron]
    public string AutoCloseCron { get; set; } = "*/5 * * * *";
}
