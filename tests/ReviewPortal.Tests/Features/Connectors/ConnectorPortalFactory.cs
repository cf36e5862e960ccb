using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ReviewPortal.Claude;
using ReviewPortal.Claude.Models;
using ReviewPortal.Claude.Simulation;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// The portal on an empty database (no demo seed) over a small simulated Claude organization, with
/// pages small enough that a backfill spans several of them and retry delays of milliseconds.
/// The connector code and the simulated API are the real ones; only the sizes are turned down.
/// </summary>
public class ConnectorPortalFactory() : PortalAppFactory(seedDemo: false)
{
    public const int PageSize = 150;

    public static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["Claude:Simulation:People"] = "40",
        ["Claude:Simulation:HistoryDays"] = "7",
        ["Claude:Simulation:ApiKeys"] = "10",
        ["Claude:Simulation:ServiceAccounts"] = "3",
        ["Claude:Retry:MaxRetryAttempts"] = "3",
        ["Claude:Retry:BaseDelay"] = "00:00:00.001",
        ["Claude:Retry:MaxDelay"] = "00:00:00.005",
        ["Claude:Retry:AttemptTimeout"] = "00:00:01",
        ["Ingestion:PageSize"] = PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // Ingestion options are read while services are registered: UseSetting reaches that point.
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(Settings));
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(new FixedNowRealTimers(Time));
        });
    }

    public const string ActivitiesPath = "/v1/compliance/activities";

    public SimulatedOrganization Organization => Services.GetRequiredService<SimulatedOrganization>();
    public SimulationFaults Faults => Services.GetRequiredService<SimulationFaults>();
    public IComplianceClient Compliance => Services.GetRequiredService<IComplianceClient>();
    public IAdminClient Admin => Services.GetRequiredService<IAdminClient>();

    public Task<IngestionRun> IngestAsync() => GetRequiredService<IngestActivityJob>().RunAsync();

    public Task<IngestionRun> SyncAsync() => GetRequiredService<SyncDirectoryJob>().RunAsync();

    /// <summary>
    /// An ingestion job whose Compliance client is <paramref name="compliance"/> (a wrapper around the real one), and
    /// whose contexts, when given, come from <paramref name="contexts"/>.
    /// </summary>
    public IngestActivityJob IngestJobWith(IComplianceClient compliance, IDbContextFactory<ReviewPortal.Web.Data.ReviewPortalDbContext>? contexts = null) => new(
        contexts ?? Services.GetRequiredService<IDbContextFactory<ReviewPortal.Web.Data.ReviewPortalDbContext>>(), compliance,
        Services.GetRequiredService<ReviewPortal.Web.Infrastructure.Jobs.DatabaseLease>(),
        Services.GetRequiredService<ReviewPortal.Claude.Resilience.ClaudeRateLimitGate>(),
        Services.GetRequiredService<IngestionOptions>(), Time,
        Services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<IngestActivityJob>>());

    /// <summary>A directory sync that reads <paramref name="compliance"/>, <paramref name="hr"/> and <paramref name="admin"/> (wrappers around the real ones) instead.</summary>
    public SyncDirectoryJob SyncJobWith(IComplianceClient? compliance = null, IHrDirectory? hr = null, IAdminClient? admin = null) => new(
        Services.GetRequiredService<IDbContextFactory<ReviewPortal.Web.Data.ReviewPortalDbContext>>(), compliance ?? Compliance, admin ?? Admin,
        hr ?? Services.GetRequiredService<IHrDirectory>(), Services.GetRequiredService<ReviewPortal.Web.Infrastructure.Jobs.DatabaseLease>(),
        GetRequiredService<ReviewPortal.Web.Features.Remediation.VerifyRemediation>(), Services.GetRequiredService<IngestionOptions>(),
        GetRequiredService<ReviewPortal.Web.Features.Email.AdminAlerts>(), Time,
        Services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SyncDirectoryJob>>());

    /// <summary>An ingestion job whose Activity Feed call number <paramref name="call"/> meets <paramref name="fault"/>.</summary>
    public (IngestActivityJob Job, InterceptingComplianceClient Client) IngestJobWithFaultAtCall(int call, SimulatedFault fault)
    {
        var client = new InterceptingComplianceClient(Compliance, n =>
        {
            if (n == call)
            {
                Faults.Enqueue(fault with { PathPrefix = ActivitiesPath });
            }
            return Task.CompletedTask;
        });
        return (IngestJobWith(client), client);
    }

    /// <summary>The served events the reconciliation pass re-reads: <c>[now − overlap, now − indexing lag)</c>.</summary>
    public IReadOnlyList<Activity> InOverlapWindow(IEnumerable<Activity> served)
    {
        var options = Services.GetRequiredService<IngestionOptions>();
        var now = Time.GetUtcNow();
        return served.Where(a => a.CreatedAt >= now.AddMinutes(-options.OverlapMinutes)
            && a.CreatedAt < now.AddSeconds(-options.IndexingLagSeconds)).ToList();
    }

    /// <summary>
    /// Every activity the simulated API serves right now in the backfill window, read independently of the job
    /// (its own paging, one big page size, no faults consumed: the queue is checked empty first).
    /// </summary>
    public async Task<IReadOnlyList<Activity>> ServedActivitiesAsync()
    {
        Assert.Equal(0, Faults.Pending);
        var options = Services.GetRequiredService<IngestionOptions>();
        var query = new ActivityQuery
        {
            CreatedAtGte = Time.GetUtcNow().AddDays(-options.BackfillDays), Order = ActivityOrder.Asc, Limit = ActivityQuery.MaxLimit,
        };
        var served = new List<Activity>();
        while (true)
        {
            var page = await Compliance.ListActivitiesAsync(query);
            Assert.Empty(page.Malformed);
            served.AddRange(page.Data);
            if (!page.HasMore || page.LastId is null)
            {
                return served;
            }
            query = query with { AfterId = page.LastId };
        }
    }

    public async Task<List<string>> StoredActivityIdsAsync()
    {
        await using var db = await CreateDbContextAsync();
        return await db.ActivityEvents.OrderBy(e => e.Id).Select(e => e.ActivityId).ToListAsync();
    }

    public async Task<string?> CursorAsync()
    {
        await using var db = await CreateDbContextAsync();
        return (await db.IngestionCursors.AsNoTracking().SingleOrDefaultAsync(c => c.Name == IngestActivityJob.CursorName))?.Cursor;
    }

    public async Task<IngestionRun> StoredRunAsync(long id)
    {
        await using var db = await CreateDbContextAsync();
        return await db.IngestionRuns.AsNoTracking().SingleAsync(r => r.Id == id);
    }
}

/// <summary>
/// The factory's fixed "now" with real timers: Polly (retry back-off, retry-after, attempt timeout) resolves the
/// TimeProvider from DI, and on a FakeTimeProvider its waits would never end unless a test advanced the clock at the
/// right instant. Dates stay deterministic (only the test moves them); the millisecond back-offs really elapse.
/// </summary>
internal sealed class FixedNowRealTimers(TimeProvider now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now.GetUtcNow();

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, dueTime, period);

    public override long GetTimestamp() => System.GetTimestamp();

    public override long TimestampFrequency => System.TimestampFrequency;
}
