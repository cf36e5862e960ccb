using System.Linq.Expressions;
using Hangfire;
using Microsoft.Extensions.Options;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Web.Infrastructure.Jobs;

/// <summary>
/// One recurring job as the portal knows it (ADR 0013), declared beside the job and listed in <see cref="JobRegistry"/>:
/// its <see cref="Id"/> (the Hangfire recurring id, its lease's name, the name on its runs and audit entries), its schedule
/// read from bound options, its lease length, and how an admin's "run now" is allowed, audited and followed up.
/// </summary>
public abstract class JobDescriptor
{
    public required string Id { get; init; }

    /// <summary>Words for people, in a sentence: "Only admins can run {Title} now."</summary>
    public required string Title { get; init; }

    /// <summary>How long the lease lasts unrenewed: how soon another node takes over from a node that died mid-run.</summary>
    public required TimeSpan Lease { get; init; }

    /// <summary>The job's cron from its bound options; null when the job is not scheduled in this configuration.</summary>
    public required Func<IServiceProvider, string?> Schedule { get; init; }

    /// <summary>The audit action of an admin's "run now"; null when the job has no such button.</summary>
    public string? RunNowAuditAction { get; init; }

    /// <summary>
    /// What a "run now" request is audited against: <c>Job</c>/its id, unless the ledger has always named it otherwise (the
    /// connectors' <c>Connector</c>/<c>SyncDirectory</c>, which audit searches already filter on).
    /// </summary>
    public AuditTarget? RunNowTarget { get; init; }

    /// <summary>Who may run it now: admins, whatever the page shows.</summary>
    public Func<Viewer, bool> MayRunNow { get; init; } = viewer => viewer.IsAdmin;

    /// <summary>The job a "run now" queues once this one has succeeded, because it uses what this one stored.</summary>
    public JobDescriptor? Then { get; init; }

    /// <summary>A schedule read from the <typeparamref name="TOptions"/> bound at start.</summary>
    public static Func<IServiceProvider, string?> From<TOptions>(Func<TOptions, string?> cron) where TOptions : class =>
        services => cron(services.GetRequiredService<IOptions<TOptions>>().Value);

    internal abstract void AddOrUpdate(IRecurringJobManager jobs, string cron);

    internal abstract string Enqueue(IBackgroundJobClient jobs);

    internal abstract string ContinueWith(IBackgroundJobClient jobs, string parentId);
}

/// <summary>A job of class <typeparamref name="TJob"/>, run by <see cref="Run"/> (the same call on schedule and on "run now").</summary>
public sealed class JobDescriptor<TJob> : JobDescriptor
{
    public required Expression<Func<TJob, Task>> Run { get; init; }

    internal override void AddOrUpdate(IRecurringJobManager jobs, string cron) => jobs.AddOrUpdate(Id, Run, cron);

    internal override string Enqueue(IBackgroundJobClient jobs) => jobs.Enqueue(Run);

    internal override string ContinueWith(IBackgroundJobClient jobs, string parentId) => jobs.ContinueJobWith(parentId, Run);
}
