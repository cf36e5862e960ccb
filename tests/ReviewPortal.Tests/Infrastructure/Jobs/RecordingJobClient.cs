using System.Collections.Concurrent;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ReviewPortal.Tests.Infrastructure.Jobs;

/// <summary>
/// A Hangfire client that only records what would be queued. Hangfire's own client resolves a process-wide
/// <c>JobStorage.Current</c>, shared by every app factory running in parallel, so tests asserting on queued jobs use this.
/// </summary>
public sealed class RecordingJobClient : IBackgroundJobClient
{
    public ConcurrentQueue<Job> Created { get; } = new();

    public string Create(Job job, IState state)
    {
        Created.Enqueue(job);
        return $"job-{Created.Count}";
    }

    public bool ChangeState(string jobId, IState state, string expectedState) => true;
}

/// <summary>An empty portal (no demo seed) whose Hangfire client is a <see cref="RecordingJobClient"/>.</summary>
public sealed class RecordingJobsPortal() : PortalAppFactory(seedDemo: false)
{
    public RecordingJobClient Jobs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IBackgroundJobClient>();
            services.AddSingleton<IBackgroundJobClient>(Jobs);
        });
    }
}
