using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Remediation;

/// <summary>Settings of the <c>Remediation</c> configuration section.</summary>
public sealed class RemediationOptions
{
    public const string Section = "Remediation";

    /// <summary>Cron of <see cref="ExecuteRemediationJob"/> (default every minute).</summary>
    [Cron]
    public string Cron { get; set; } = "* * * * *";

    /// <summary>Attempts (the client's own retries not counted) before a task stays Failed and an admin must retry it.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait after the first failed attempt; doubles per attempt (1, 2, 4 … minutes) up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan BaseBackoff { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How long a deactivated API key stays inactive (reversible) before a follow-up task archives it.</summary>
    public int ArchiveGraceDays { get; set; } = 30;

    /// <summary>Tasks taken per run; the rest wait for the next minute, keeping well inside the Admin API's rate limit.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>
    /// A task left Running this long (the node died mid-call) is taken again. Every call is safe to repeat: a removal that
    /// already happened answers 404, which counts as done.
    /// </summary>
    public TimeSpan RunningTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Backoff after the <paramref name="attempts"/>-th failed attempt: base × 2^(attempts−1), capped.</summary>
    public TimeSpan BackoffAfter(int attempts) => Backoff.Exponential(attempts, BaseBackoff, MaxBackoff);
}
