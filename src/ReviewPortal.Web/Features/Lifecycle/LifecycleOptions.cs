using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Lifecycle;

/// <summary>The <c>Lifecycle</c> section; the rules themselves are set on the Lifecycle rules page.</summary>
public sealed class LifecycleOptions
{
    public const string Section = "Lifecycle";

    /// <summary>Cron of <see cref="ApplyLifecycleRulesJob"/> (default hourly at :30; a run with every rule off reads one small table and stops).</summary>
    [Cron]
    public string Cron { get; set; } = "30 * * * *";
}
