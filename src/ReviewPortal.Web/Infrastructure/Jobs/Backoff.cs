namespace ReviewPortal.Web.Infrastructure.Jobs;

/// <summary>How long a job waits before trying again what failed (a mail, an Admin API call): one formula for all.</summary>
public static class Backoff
{
    /// <summary>
    /// After the <paramref name="attempts"/>-th failed attempt: <paramref name="first"/> × 2^(attempts − 1) (1, 2, 4 … times
    /// the first wait), never more than <paramref name="max"/> and never negative.
    /// </summary>
    public static TimeSpan Exponential(int attempts, TimeSpan first, TimeSpan max)
    {
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        var ticks = Math.Min(first.Ticks * factor, max.Ticks);
        return TimeSpan.FromTicks((long)Math.Max(ticks, 0));
    }
}
