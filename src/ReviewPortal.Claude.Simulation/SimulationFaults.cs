using System.Globalization;

namespace ReviewPortal.Claude.Simulation;

/// <summary>What a <see cref="SimulatedFault"/> does to the next matching request.</summary>
public enum SimulatedFaultKind
{
    /// <summary>Answer with an error status (429, 500, 503, …) instead of the real response.</summary>
    Status,

    /// <summary>Hold the response back (long enough and the client's attempt timeout fires).</summary>
    Delay,

    /// <summary>Return a 200 whose body is not JSON.</summary>
    MalformedBody,

    /// <summary>Serve the real page with one extra record that has no <c>id</c>.</summary>
    RecordWithoutId,

    /// <summary>Serve the real page with its first record repeated at the end.</summary>
    DuplicateWithinPage,

    /// <summary>Serve the real page with the cursor record (already seen on the previous page) prepended.</summary>
    DuplicateAcrossPages,
}

/// <summary>One injected fault. Applies once, to the next request whose path starts with <see cref="PathPrefix"/> (any path when null).</summary>
public sealed record SimulatedFault(SimulatedFaultKind Kind)
{
    public int StatusCode { get; init; }

    /// <summary>Raw <c>retry-after</c> header value (seconds); null sends none.</summary>
    public string? RetryAfter { get; init; }

    /// <summary>Value of <c>x-should-retry</c>; null sends none.</summary>
    public bool? ShouldRetry { get; init; }

    public TimeSpan Delay { get; init; }

    public string? PathPrefix { get; init; }

    public static SimulatedFault TooManyRequests(string? retryAfterSeconds = null) =>
        new(SimulatedFaultKind.Status) { StatusCode = 429, RetryAfter = retryAfterSeconds };

    public static SimulatedFault ServerError(bool? shouldRetry = null) =>
        new(SimulatedFaultKind.Status) { StatusCode = 500, ShouldRetry = shouldRetry };

    public static SimulatedFault Status(int statusCode) => new(SimulatedFaultKind.Status) { StatusCode = statusCode };

    public static SimulatedFault ServiceUnavailable() => Status(503);

    public static SimulatedFault Timeout(TimeSpan delay) => new(SimulatedFaultKind.Delay) { Delay = delay };

    public static SimulatedFault MalformedPage() => new(SimulatedFaultKind.MalformedBody);

    public static SimulatedFault RecordWithoutId() => new(SimulatedFaultKind.RecordWithoutId);

    public static SimulatedFault DuplicateWithinPage() => new(SimulatedFaultKind.DuplicateWithinPage);

    public static SimulatedFault DuplicateAcrossPages() => new(SimulatedFaultKind.DuplicateAcrossPages);
}

/// <summary>
/// Runtime-settable fault queue of the simulated API, shared by every simulated handler in the process. Tests enqueue
/// faults; the demo can start with some from configuration (<c>Claude:Simulation:Faults</c>).
/// </summary>
public sealed class SimulationFaults
{
    private readonly Lock _lock = new();
    private readonly List<SimulatedFault> _queue = [];
    private int _requestCount;

    public SimulationFaults()
    {
    }

    public SimulationFaults(IEnumerable<string>? configured)
    {
        foreach (var text in configured ?? [])
        {
            Enqueue(Parse(text));
        }
    }

    /// <summary>Requests the simulated API has received (faulted ones included).</summary>
    public int RequestCount => Volatile.Read(ref _requestCount);

    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    public void Enqueue(params SimulatedFault[] faults)
    {
        lock (_lock)
        {
            _queue.AddRange(faults);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _queue.Clear();
        }
    }

    public void ResetRequestCount() => Interlocked.Exchange(ref _requestCount, 0);

    internal SimulatedFault? Next(string path)
    {
        Interlocked.Increment(ref _requestCount);
        lock (_lock)
        {
            var index = _queue.FindIndex(f => f.PathPrefix is null || path.StartsWith(f.PathPrefix, StringComparison.Ordinal));
            if (index < 0)
            {
                return null;
            }

            var fault = _queue[index];
            _queue.RemoveAt(index);
            return fault;
        }
    }

    /// <summary>
    /// Parses a configured fault: <c>429</c>, <c>429:2</c> (retry-after 2 s), <c>500</c>, <c>500:noretry</c>, any status code,
    /// <c>timeout:30</c> (seconds), <c>malformed</c>, <c>missing-id</c>, <c>duplicates</c>, <c>duplicates-across</c>.
    /// </summary>
    public static SimulatedFault Parse(string text)
    {
        var parts = text.Trim().Split(':', 2);
        var arg = parts.Length > 1 ? parts[1] : null;
        return parts[0].ToLowerInvariant() switch
        {
            "429" => SimulatedFault.TooManyRequests(arg),
            "500" => SimulatedFault.ServerError(arg == "noretry" ? false : null),
            "timeout" => SimulatedFault.Timeout(TimeSpan.FromSeconds(double.Parse(arg ?? "120", CultureInfo.InvariantCulture))),
            "malformed" => SimulatedFault.MalformedPage(),
            "missing-id" => SimulatedFault.RecordWithoutId(),
            "duplicates" => SimulatedFault.DuplicateWithinPage(),
            "duplicates-across" => SimulatedFault.DuplicateAcrossPages(),
            var code when int.TryParse(code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var status) => SimulatedFault.Status(status),
            _ => throw new FormatException($"Unknown simulated fault '{text}'."),
        };
    }
}
