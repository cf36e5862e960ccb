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
}
