using Microsoft.Extensions.Options;

namespace ReviewPortal.Claude;

/// <summary>Where the clients talk to: the real API, or the in-process simulated organization.</summary>
public enum ClaudeMode
{
    Live,
    Simulated,
}

/// <summary>Settings bound from the <c>Claude</c> configuration section.</summary>
public sealed class ClaudeOptions
{
    public const string SectionName = "Claude";

    public string BaseUrl { get; set; } = "https://api.anthropic.com";

    /// <summary>Compliance Access Key (<c>sk-ant-api01-…</c>) for <c>/v1/compliance/*</c>. Env: <c>Claude__ComplianceKey</c>.</summary>
    public string? ComplianceKey { get; set; }

    /// <summary>Admin key for <c>/v1/organizations/*</c>. Env: <c>Claude__AdminKey</c>.</summary>
    public string? AdminKey { get; set; }

    public ClaudeMode Mode { get; set; } = ClaudeMode.Live;

    /// <summary>
    /// Organization-wide budget (the API allows 600/min per parent org), shared by every client of this process, or of
    /// every process when the host registers a shared <see cref="Resilience.IClaudeRequestBudget"/>.
    /// </summary>
    public int RequestsPerMinute { get; set; } = 600;

    /// <summary>Longest wait honoured for <c>anthropic-ratelimit-requests-reset</c>, so a bad header cannot stall a job.</summary>
    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Longest <c>retry-after</c> a call waits out. A 429 asking for longer is not retried: the call fails at once with
    /// <see cref="ClaudeApiException.RetryAt"/> saying when the limit ends, and nothing more is sent until then
    /// (<see cref="Resilience.ClaudeRateLimitGate"/>), so a job ends its run and resumes on a later schedule instead of
    /// sleeping, under its lease, for as long as the header says (a day, once seen).
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Longest a person waits for a call made while they wait (the approval that provisions access), retries and budget
    /// waits included. The retry budget is for jobs (six attempts of a minute each); a page must answer in seconds, and the
    /// caller hands the unfinished work to a job. Applied by the caller with its cancellation token.
    /// </summary>
    public TimeSpan UserFacingTimeout { get; set; } = TimeSpan.FromSeconds(15);

    public ClaudeRetryOptions Retry { get; set; } = new();

    public ClaudeCircuitBreakerOptions CircuitBreaker { get; set; } = new();

    /// <summary>
    /// Page size for Admin API lists (1..1000): the API's maximum by default, since every page is one request of the
    /// organization's 600 a minute (a directory sync of 20,000 keys takes 20 requests, not 200).
    /// </summary>
    public int AdminPageSize { get; set; } = 1000;

    /// <summary>Page size for Compliance directory lists (1..1000): the API's maximum by default, for the same reason.</summary>
    public int DirectoryPageSize { get; set; } = 1000;
}

/// <summary>Retry behaviour (§1.6). Tests shrink the delays so they run in milliseconds.</summary>
public sealed class ClaudeRetryOptions
{
    /// <summary>Retries after the first attempt.</summary>
    public int MaxRetryAttempts { get; set; } = 5;

    /// <summary>First backoff delay; doubles each attempt.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Per-attempt timeout; a timed-out attempt is retried.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// The circuit breaker of each client (inside the retries, so every attempt counts): when at least
/// <see cref="FailureRatio"/> of the attempts in <see cref="SamplingDuration"/> failed (5xx, 529, transport errors,
/// attempt timeouts; never 4xx or 429), and there were at least <see cref="MinimumThroughput"/>, calls fail at once for
/// <see cref="BreakDuration"/> without reaching the API. A failing API then costs callers nothing but the error.
/// </summary>
public sealed class ClaudeCircuitBreakerOptions
{
    public double FailureRatio { get; set; } = 0.5;

    public int MinimumThroughput { get; set; } = 10;

    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Fails start-up with a message that names the environment variables to set.</summary>
internal sealed class ClaudeOptionsValidator : IValidateOptions<ClaudeOptions>
{
    public ValidateOptionsResult Validate(string? name, ClaudeOptions options)
    {
        var failures = new List<string>();
        if (options.Mode == ClaudeMode.Live)
        {
            if (string.IsNullOrWhiteSpace(options.ComplianceKey))
            {
                failures.Add("Claude:Mode is Live but no Compliance key is configured. Set Claude__ComplianceKey (or Claude:Mode=Simulated for the demo organization).");
            }

            if (string.IsNullOrWhiteSpace(options.AdminKey))
            {
                failures.Add("Claude:Mode is Live but no Admin key is configured. Set Claude__AdminKey (or Claude:Mode=Simulated for the demo organization).");
            }

            if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out _))
            {
                failures.Add("Claude:BaseUrl must be an absolute URL, e.g. https://api.anthropic.com.");
            }
        }

        if (options.RequestsPerMinute < 1)
        {
            failures.Add("Claude:RequestsPerMinute must be at least 1.");
        }

        if (options.AdminPageSize is < 1 or > 1000 || options.DirectoryPageSize is < 1 or > 1000)
        {
            failures.Add("Claude:AdminPageSize and Claude:DirectoryPageSize must be between 1 and 1000.");
        }

        if (options.Retry.MaxRetryAttempts < 0)
        {
            failures.Add("Claude:Retry:MaxRetryAttempts cannot be negative.");
        }

        if (options.UserFacingTimeout <= TimeSpan.Zero || options.UserFacingTimeout > TimeSpan.FromMinutes(2))
        {
            failures.Add("Claude:UserFacingTimeout must be more than zero and at most two minutes (a person is waiting), e.g. 00:00:15.");
        }

        if (options.MaxRetryAfter <= TimeSpan.Zero)
        {
            failures.Add("Claude:MaxRetryAfter must be more than zero, e.g. 00:05:00.");
        }

        // Polly's own limits, checked here so a bad value stops the start, not the first call.
        var breaker = options.CircuitBreaker;
        if (breaker.FailureRatio is <= 0 or > 1)
        {
            failures.Add("Claude:CircuitBreaker:FailureRatio must be more than 0 and at most 1, e.g. 0.5.");
        }

        if (breaker.MinimumThroughput < 2)
        {
            failures.Add("Claude:CircuitBreaker:MinimumThroughput must be at least 2.");
        }

        if (breaker.SamplingDuration < TimeSpan.FromMilliseconds(500) || breaker.BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            failures.Add("Claude:CircuitBreaker:SamplingDuration and BreakDuration must be at least half a second.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
