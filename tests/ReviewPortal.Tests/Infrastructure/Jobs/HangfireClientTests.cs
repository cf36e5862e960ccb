using Hangfire;

namespace ReviewPortal.Tests.Infrastructure.Jobs;

/// <summary>
/// Hangfire builds its client from process-wide state that the last-configured app owns. With several apps in one process
/// (this suite, the browser tests), a page that first asks for the client after a later app was disposed must still get a
/// working client over its own storage, not a 500 from that app's disposed logger factory.
/// </summary>
public sealed class HangfireClientTests
{
    [Fact]
    public async Task BackgroundJobClient_AnotherAppStartedAndDisposedMeanwhile_EnqueuesIntoItsOwnStorage()
    {
        await using var portal = new EmptyPortalAppFactory();
        _ = portal.Services;
        await using (var later = new EmptyPortalAppFactory())
        {
            _ = later.GetRequiredService<IBackgroundJobClient>();
        }

        var id = portal.GetRequiredService<IBackgroundJobClient>().Enqueue(() => Console.WriteLine("probe"));

        Assert.NotNull(id);
        Assert.Equal(1, portal.GetRequiredService<JobStorage>().GetMonitoringApi().EnqueuedCount("default"));
    }

    /// <summary>
    /// The race the test above cannot force: an app asks Hangfire's process-wide log provider for a logger after the app
    /// that set it disposed its logger factory (seen on PostgreSQL as a 500 in ProductionTransportTests).
    /// </summary>
    [Fact]
    public void LogProvider_ItsLoggerFactoryDisposed_GivesASilentLogInsteadOfThrowing()
    {
        var factory = Microsoft.Extensions.Logging.LoggerFactory.Create(_ => { });
        factory.Dispose();

        Assert.Throws<ObjectDisposedException>(() => new Hangfire.AspNetCore.AspNetCoreLogProvider(factory).GetLogger("probe"));
        var log = new ReviewPortal.Web.Infrastructure.Jobs.DisposalTolerantLogProvider(factory).GetLogger("probe");
        Assert.False(log.Log(Hangfire.Logging.LogLevel.Error, () => "lost"));
    }
}
