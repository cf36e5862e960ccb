using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ReviewPortal.Claude.Resilience;

/// <summary>
/// The organization-wide request budget (600/min per parent organization, shared by every key and endpoint). Every
/// attempt, retries included, asks it for a permit before it is sent (<see cref="RequestBudgetHandler"/>).
/// <see cref="ClaudeRequestBudget"/> counts inside one process; a host that runs several processes against one
/// organization registers its own implementation first, so the count is shared.
/// </summary>
public interface IClaudeRequestBudget
{
    /// <summary>Waits until one more request fits in the budget and any server-announced reset has passed.</summary>
    ValueTask AcquireAsync(CancellationToken cancellationToken);

    /// <summary>Reads the <c>anthropic-ratelimit-requests-*</c> headers of a response.</summary>
    void Observe(HttpResponseMessage response);
}

/// <summary>
/// What the API says about its own window: when a response reports zero requests remaining, later requests of this
/// process wait for <c>anthropic-ratelimit-requests-reset</c> (capped by <see cref="ClaudeOptions.MaxRateLimitWait"/>,
/// so a bad header cannot stall a job). Every <see cref="IClaudeRequestBudget"/> uses it after granting a permit.
/// </summary>
public sealed partial class ServerAnnouncedReset(IOptions<ClaudeOptions> options, TimeProvider time, ILogger<ServerAnnouncedReset> logger)
{
    private readonly TimeSpan _maxWait = options.Value.MaxRateLimitWait;
    private long _blockedUntilTicks;

    /// <summary>Waits until the last announced reset, if it lies ahead.</summary>
    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        var blockedUntil = new DateTimeOffset(Interlocked.Read(ref _blockedUntilTicks), TimeSpan.Zero);
        var wait = blockedUntil - time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            wait = wait > _maxWait ? _maxWait : wait;
            LogWaiting(logger, wait.TotalSeconds);
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>At zero remaining, remembers the announced reset.</summary>
    public void Observe(HttpResponseMessage response)
    {
        if (!TryGetHeader(response, "anthropic-ratelimit-requests-remaining", out var remainingText) ||
            !int.TryParse(remainingText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var remaining) ||
            remaining > 0)
        {
            return;
        }

        if (TryGetHeader(response, "anthropic-ratelimit-requests-reset", out var resetText) &&
            ClaudeJson.TryParseTimestamp(resetText, out var reset))
        {
            Interlocked.Exchange(ref _blockedUntilTicks, reset.UtcTicks);
        }
    }

    private static bool TryGetHeader(HttpResponseMessage response, string name, out string? value)
    {
        value = response.Headers.NonValidated.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
        return value is not null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Claude request budget exhausted; waiting {Seconds:F1}s for the rate-limit window to reset")]
    private static partial void LogWaiting(ILogger logger, double seconds);
}
