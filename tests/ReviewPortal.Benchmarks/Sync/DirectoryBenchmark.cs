using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Authentication;
using ReviewPortal.Benchmarks.Support;
using ReviewPortal.Claude;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Features.People;
using ReviewPortal.Web.Infrastructure.Database;
using ReviewPortal.Web.Infrastructure;

namespace ReviewPortal.Benchmarks.Sync;

/// <summary>
/// A real organization's first sync and its hourly re-sync, end to end: the Entra people sync (Graph delta query through
/// the Graph SDK) and the directory sync (Compliance and Admin API listings through the real clients and pipeline) over
/// <see cref="SyntheticOrganization"/>'s handlers, into a fresh database. Reports each job's seconds, the peak working
/// set, and what the re-sync with no upstream change saved (entities, by type).
/// </summary>
internal static class DirectoryBenchmark
{
    public static async Task<Dictionary<string, object?>> RunAsync(Args args)
    {
        var people = args.Int("people", 50_000);
        var keys = args.Int("keys", 20_000);
        var folder = args.String("dir", Path.Combine(Path.GetTempPath(), "reviewportal-bench"));
        Directory.CreateDirectory(folder);
        var database = BenchDatabase.Sqlite(Path.Combine(folder, $"directory-{people}.db"));
        var organization = new SyntheticOrganization(people, keys);
        var saved = new SavedEntities();

        var services = Portal.Services(database, new Dictionary<string, string?>
        {
            ["People:Source"] = "EntraId",
            // A first sync of a whole company closes nothing; the guards stay at their defaults.
        });
        var configuration = new ConfigurationBuilder().Build();
        services.AddPeopleDirectory(configuration);
        services.AddSingleton(new PeopleOptions { Source = PeopleSource.EntraId });
        services.AddSingleton(new GraphServiceClient(new HttpClient(organization.Graph()), new AnonymousAuthenticationProvider(), "https://graph.microsoft.com/v1.0"));
        services.AddHttpClient<IComplianceClient, ComplianceClient>().ConfigurePrimaryHttpMessageHandler(organization.Claude);
        services.AddHttpClient<IAdminClient, AdminClient>().ConfigurePrimaryHttpMessageHandler(organization.Claude);
        services.ConfigureDbContext<SqliteReviewPortalDbContext>(o => o.AddInterceptors(saved));
        await using var provider = services.BuildServiceProvider();
        Progress.Say($"directory: {people:N0} people ({organization.ClaudeUsers:N0} with a Claude seat), {keys:N0} API keys, {organization.Workspaces:N0} workspaces");
        await Portal.MigrateFreshAsync(provider, database);

        async Task<(double Seconds, IngestionRun Run)> TimedAsync<TJob>(Func<TJob, Task<IngestionRun>> run) where TJob : notnull
        {
            await using var scope = provider.CreateAsyncScope();
            var clock = Stopwatch.StartNew();
            var result = await run(scope.ServiceProvider.GetRequiredService<TJob>());
            if (result.Status != IngestionRunStatus.Succeeded)
            {
                throw new InvalidOperationException($"{typeof(TJob).Name} ended {result.Status}: {result.Error}");
            }
            return (Math.Round(clock.Elapsed.TotalSeconds, 2), result);
        }

        GC.Collect();
        var (peopleSeconds, peopleRun) = await TimedAsync<SyncPeopleJob>(job => job.RunAsync());
        Progress.Say($"  people sync {peopleSeconds} s ({peopleRun.Stored:N0} changes), {Machine.PeakWorkingSetMb()} MB peak");
        var (directorySeconds, directoryRun) = await TimedAsync<SyncDirectoryJob>(job => job.RunAsync());
        Progress.Say($"  directory sync {directorySeconds} s, {Machine.PeakWorkingSetMb()} MB peak");
        var firstPeak = Machine.PeakWorkingSetMb();

        var firstRequests = organization.Requests;

        // The re-sync comes an hour later: the first sync's requests have long left the organization's minute. Started at
        // once, it would wait for them (22.7 s at 50,000 people, 2026-12-07) and measure the request budget, not the sync.
        var budgetWindow = TimeSpan.FromSeconds(args.Int("resync-after", 61));
        Progress.Say($"  waiting {budgetWindow.TotalSeconds:F0} s for the first sync's requests to leave the request budget's minute");
        await Task.Delay(budgetWindow);
        saved.Reset();
        var (peopleAgain, _) = await TimedAsync<SyncPeopleJob>(job => job.RunAsync());
        var (directoryAgain, _) = await TimedAsync<SyncDirectoryJob>(job => job.RunAsync());
        Progress.Say($"  re-sync {peopleAgain + directoryAgain} s, saved {saved.Total:N0} entities");

        await using var db = await provider.GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>().CreateDbContextAsync();
        return new Dictionary<string, object?>
        {
            ["people"] = people,
            ["claudeUsers"] = organization.ClaudeUsers,
            ["apiKeys"] = keys,
            ["workspaces"] = organization.Workspaces,
            ["identities"] = await db.Identities.CountAsync(),
            ["openGrants"] = await db.Grants.CountAsync(g => g.EndedAt == null),
            ["peopleWithManager"] = await db.Identities.CountAsync(i => i.Kind == IdentityKind.Person && i.ManagerId != null),
            ["firstPeopleSyncSeconds"] = peopleSeconds,
            ["firstDirectorySyncSeconds"] = directorySeconds,
            ["firstSyncSeconds"] = Math.Round(peopleSeconds + directorySeconds, 2),
            ["peakWorkingSetMb"] = firstPeak,
            ["resyncSeconds"] = Math.Round(peopleAgain + directoryAgain, 2),
            ["resyncSavedEntities"] = saved.Total,
            ["resyncSavedByType"] = saved.ByType(),
            ["requests"] = organization.Requests,
            ["firstSyncRequests"] = firstRequests,
            ["resyncRequests"] = organization.Requests - firstRequests,
            ["resyncStartedAfterSeconds"] = budgetWindow.TotalSeconds,
            ["directoryRunDetails"] = directoryRun.Details,
        };
    }

    /// <summary>Counts the entities every SaveChanges writes, by type: what a re-sync with nothing changed still writes.</summary>
    private sealed class SavedEntities : SaveChangesInterceptor
    {
        private readonly Dictionary<string, int> _byType = [];
        public int Total { get; private set; }

        public void Reset()
        {
            lock (_byType)
            {
                _byType.Clear();
                Total = 0;
            }
        }

        public Dictionary<string, int> ByType()
        {
            lock (_byType)
            {
                return new Dictionary<string, int>(_byType);
            }
        }

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            var changed = eventData.Context!.ChangeTracker.Entries()
                .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted).ToList();
            lock (_byType)
            {
                foreach (var entry in changed)
                {
                    var name = $"{entry.Metadata.ClrType.Name} {entry.State}";
                    _byType[name] = _byType.GetValueOrDefault(name) + 1;
                    Total++;
                }
            }
            return base.SavingChangesAsync(eventData, result, cancellationToken);
        }
    }
}
