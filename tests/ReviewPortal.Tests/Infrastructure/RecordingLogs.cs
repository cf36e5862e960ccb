using Microsoft.Extensions.Logging;

namespace ReviewPortal.Tests.Infrastructure;

/// <summary>
/// A logger provider that keeps every event a portal logs, so a test can wait for an event (by id and name) instead of sleeping:
/// each new event wakes the waiters, which look again.
/// </summary>
public sealed class RecordingLogs : ILoggerProvider
{
    private readonly List<(EventId Id, LogLevel Level, string Message)> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count(EventId id)
    {
        lock (_events)
        {
            return _events.Count(e => e.Id.Id == id.Id && e.Id.Name == id.Name);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> events with this id were logged; fails after <paramref name="deadline"/>.</summary>
    public async Task WaitForAsync(EventId id, int count, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            Task changed;
            lock (_events)
            {
                if (_events.Count(e => e.Id.Id == id.Id && e.Id.Name == id.Name) >= count)
                {
                    return;
                }
                changed = _changed.Task;
            }
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Within {deadline} the portal logged {Count(id)} '{id.Name}' event(s), not {count}.");
            }
            await Task.WhenAny(changed, Task.Delay(left));
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private void Add(EventId id, LogLevel level, string message)
    {
        TaskCompletionSource changed;
        lock (_events)
        {
            _events.Add((id, level, message));
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.SetResult();
    }

    private sealed class Logger(RecordingLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add(eventId, logLevel, formatter(state, exception));
    }
}
