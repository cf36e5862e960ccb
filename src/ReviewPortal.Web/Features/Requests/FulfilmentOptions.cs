using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Requests;

/// <summary>
/// Settings of the <c>Requests:Fulfilment</c> section: how provisioning through the Admin API is retried after it failed
/// (on approval, or on a request's start date) before an admin is asked to do it by hand.
/// </summary>
public sealed class FulfilmentOptions
{
    public const string Section = "Requests:Fulfilment";

    /// <summary>
    /// An attempt in progress holds its request this long: on a node that dies mid-call, the request is due again after
    /// it. Longer than any one attempt can take (the client's retries: six tries of a minute at most, with their waits).
    /// </summary>
    public static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(15);

    /// <summary>Attempts (the client's own retries not counted) before the request goes to an admin to provision by hand.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Wait after the first failed attempt; doubles per attempt (5, 10, 20 … minutes) up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan BaseBackoff { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Backoff after the <paramref name="attempts"/>-th failed attempt: base × 2^(attempts−1), capped.</summary>
    public TimeSpan BackoffAfter(int attempts) => Backoff.Exponential(attempts, BaseBackoff, MaxBackoff);

    /// <summary>The problems with these settings, in words naming the setting; empty when they are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MaxAttempts < 1)
        {
            problems.Add("Requests:Fulfilment:MaxAttempts must be at least 1.");
        }
        if (BaseBackoff <= TimeSpan.Zero || MaxBackoff < BaseBackoff)
        {
            problems.Add("Requests:Fulfilment:BaseBackoff must be more than zero and MaxBackoff at least as long, e.g. 00:05:00 and 01:00:00.");
        }
        return problems;
    }
}

/// <summary>Stops the start with the settings' problems in words (<see cref="FulfilmentOptions.Problems"/>).</summary>
internal sealed class FulfilmentOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<FulfilmentOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, FulfilmentOptions options) =>
        options.Problems() is { Count: > 0 } problems
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problems)
            : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
}
