using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Requests;

/// <summary>Schedules of the access-request jobs: the <c>Requests</c> section (its <c>Fulfilment</c> part is <see cref="FulfilmentOptions"/>).</summary>
public sealed class RequestsOptions
{
    public const string Section = "Requests";

    /// <summary>Cron of <see cref="EscalateApprovalsJob"/> (default hourly).</summary>
    [Cron]
    public string EscalateCron { get; set; } = "0 * * * *";

    /// <summary>Cron of <see cref="ExpireGrantsJob"/> (default every 15 minutes).</summary>
    [Cron]
    public string ExpireCron { get; set; } = "*/15 * * * *";

    /// <summary>
    /// Cron of <see cref="ProvisionScheduledRequestsJob"/> (default every 5 minutes): it also makes the retries of
    /// provisioning that failed on approval (<see cref="FulfilmentOptions"/>).
    /// </summary>
    [Cron]
    public string ProvisionCron { get; set; } = "*/5 * * * *";
}
