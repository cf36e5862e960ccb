using Hangfire.AspNetCore;
using Hangfire.Logging;

namespace ReviewPortal.Web.Infrastructure.Jobs;

/// <summary>
/// Hangfire logs through one process-wide provider, set by whichever app configured Hangfire last. Where one process
/// hosts several apps one after the other (the test suites), a job client built in one app can ask a provider whose
/// logger factory another app has already disposed, and fail its whole request. This provider gives up on a disposed
/// factory (no log) instead; in a deployed node there is one app and it is the ASP.NET Core provider, unchanged.
/// </summary>
internal sealed class DisposalTolerantLogProvider(ILoggerFactory factory) : ILogProvider
{
    private readonly AspNetCoreLogProvider _inner = new(factory);

    public ILog GetLogger(string name)
    {
        try
        {
            return _inner.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return Silent.Instance;
        }
    }

    private sealed class Silent : ILog
    {
        public static readonly Silent Instance = new();

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
