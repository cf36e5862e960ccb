using System.Net;

namespace ReviewPortal.Claude.Resilience;

/// <summary>
/// Remembers the end of a rate limit the API announced with a 429 that was not waited out, and refuses to send anything
/// before it: a job that runs every minute would otherwise spend a request per run (on an organization-wide limit) only
/// to hear 429 again. One per process, shared by both clients, since the limit is the organization's. Jobs ask
/// <see cref="LimitedUntil"/> before they start, and skip the run while it lies ahead.
/// </summary>
public sealed class ClaudeRateLimitGate(TimeProvider time)
{
    private long _limitedUntilTicks;

    /// <summary>The announced end of the limit, while it lies ahead; null when requests may be sent.</summary>
    public DateTimeOffset? LimitedUntil
    {
        get
        {
            var until = new DateTimeOffset(Interlocked.Read(ref _limitedUntilTicks), TimeSpan.Zero);
            return until > time.GetUtcNow() ? until : null;
        }
    }

    /// <summary>Keeps the later of the known end and <paramref name="until"/>.</summary>
    public void LimitUntil(DateTimeOffset until)
    {
        var ticks = until.UtcTicks;
        long seen;
        do
        {
            seen = Interlocked.Read(ref _limitedUntilTicks);
            if (seen >= ticks)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _limitedUntilTicks, ticks, seen) != seen);
    }

    /// <summary>Throws the 429 a request would get, without sending it, while the limit lasts.</summary>
    internal void ThrowIfLimited()
    {
        if (LimitedUntil is { } until)
        {
            throw new ClaudeApiException(HttpStatusCode.TooManyRequests, "rate_limit_error",
                "Not sent: the API rate limited this organization and said when to come back.", null, until);
        }
    }
}
