using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Database;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Tests.Infrastructure.Jobs;

/// <summary>
/// The job lease on the assembly's engine, in real time on the database's clock (short ttls, no fake clock: the lease
/// never reads the app's TimeProvider). Each "node" is a <see cref="DatabaseLease"/> of its own over the same database.
/// </summary>
public sealed class DatabaseLeaseTests : IAsyncLifetime
{
    private static readonly TimeSpan ShortTtl = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    // Long enough that a renewal delayed by a loaded CI machine (2 cores, hundreds of tests opening connections beside it)
    // still lands inside the ttl: at 1.5 s one renewal late by a second lost the lease there. Without renewals the lease
    // would still expire long before the check.
    private static readonly TimeSpan RenewedTtl = TimeSpan.FromSeconds(5);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "reviewportal-tests", Guid.NewGuid().ToString("N"));
    private readonly TestDatabase _database;
    private readonly ServiceProvider _services;

    public DatabaseLeaseTests()
    {
        Directory.CreateDirectory(_folder);
        _database = TestDatabase.Create(_folder);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(_database.Settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddPortalDatabase(configuration, new HostingEnvironment { ContentRootPath = _folder, EnvironmentName = "Production" });
        services.AddSingleton<DatabaseMigrator>();
        _services = services.BuildServiceProvider();
    }

    // SQLite files are migrated here; PostgreSQL databases come migrated (a no-op then).
    public async Task InitializeAsync() => await _services.GetRequiredService<DatabaseMigrator>().MigrateAsync();

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        _database.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private IDbContextFactory<ReviewPortalDbContext> Contexts => _services.GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>();

    private DatabaseLease Node(IDbContextFactory<ReviewPortalDbContext>? contexts = null) =>
        new(contexts ?? Contexts, NullLogger<DatabaseLease>.Instance);

    [Fact]
    public async Task TryAcquire_WhileAnotherNodeHoldsIt_RefusedUntilReleased()
    {
        var first = await Node().TryAcquireAsync("job", TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.NotNull(first);

        Assert.Null(await Node().TryAcquireAsync("job", TimeSpan.FromMinutes(5), CancellationToken.None));
        Assert.NotNull(await Node().TryAcquireAsync("another-job", TimeSpan.FromMinutes(5), CancellationToken.None));

        await first.DisposeAsync();
        await using var next = await Node().TryAcquireAsync("job", TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.NotNull(next);
    }

    [Fact]
    public async Task LongRun_ThreeTimesItsTtl_KeepsTheLeaseAndASecondNodeIsRefused()
    {
        await using var run = await Node().TryAcquireAsync("backfill", RenewedTtl, CancellationToken.None);
        Assert.NotNull(run);

        // Still working long after the first expiry would have passed without renewals.
        await Task.Delay(RenewedTtl * 3);

        Assert.Null(await Node().TryAcquireAsync("backfill", RenewedTtl, CancellationToken.None));
        Assert.False(run.IsLost);
        Assert.False(run.Token.IsCancellationRequested);
    }

    [Fact]
    public async Task HolderGone_NoRenewals_TakenOverOnceItsTtlHasPassed_AndTheHolderLearnsItLostTheLease()
    {
        var gone = new DisconnectableContexts(Contexts);
        var crashed = await Node(gone).TryAcquireAsync("sync", ShortTtl, CancellationToken.None);
        var taken = Stopwatch.GetTimestamp();
        Assert.NotNull(crashed);

        gone.Disconnect(); // the node can no longer reach the database: no renewal, no release
        Assert.Null(await Node().TryAcquireAsync("sync", ShortTtl, CancellationToken.None));

        // Its own renewals fail, so it stops its run once the lease may have expired.
        Assert.True(await CancelledWithinAsync(crashed.Token, Patience), "the disconnected holder never learned it lost the lease");
        Assert.True(crashed.IsLost);
        // The database set the expiry no later than the moment the take returned, on its own clock.
        var wait = ShortTtl - Stopwatch.GetElapsedTime(taken) + TimeSpan.FromMilliseconds(50);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
        await using var takeover = await Node().TryAcquireAsync("sync", ShortTtl, CancellationToken.None);
        Assert.NotNull(takeover);

        await crashed.DisposeAsync(); // its release fails (still disconnected) and is only logged
        Assert.Null(await Node().TryAcquireAsync("sync", ShortTtl, CancellationToken.None));
    }

    [Fact]
    public async Task Renewal_FindsAnotherHolder_CancelsTheRunsTokenAndDisposeLeavesTheirLeaseAlone()
    {
        using var caller = new CancellationTokenSource();
        var run = await Node().TryAcquireAsync("remediation", ShortTtl, caller.Token);
        Assert.NotNull(run);

        // What a takeover looks like from the holder's side (say, after a pause longer than the ttl).
        Assert.Equal(1, _database.Execute("""UPDATE "JobLeases" SET "Holder" = 'another-node' WHERE "Name" = 'remediation'"""));

        Assert.True(await CancelledWithinAsync(run.Token, Patience), "the renewal did not notice the other holder");
        Assert.True(run.IsLost);
        Assert.False(caller.IsCancellationRequested);
        await run.DisposeAsync();
        await using var db = await Contexts.CreateDbContextAsync();
        Assert.Equal("another-node", (await db.JobLeases.SingleAsync(l => l.Name == "remediation")).Holder);
    }

    [Fact]
    public async Task Token_CallerCancels_LeaseTokenCancelledButNotLost()
    {
        using var caller = new CancellationTokenSource();
        await using var run = await Node().TryAcquireAsync("outbox", TimeSpan.FromMinutes(5), caller.Token);
        Assert.NotNull(run);

        await caller.CancelAsync();

        Assert.True(run.Token.IsCancellationRequested);
        Assert.False(run.IsLost);
    }

    private static async Task<bool> CancelledWithinAsync(CancellationToken token, TimeSpan limit)
    {
        try
        {
            await Task.Delay(limit, token);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    /// <summary>A node whose database connection can be cut, as when it crashes or loses the network.</summary>
    private sealed class DisconnectableContexts(IDbContextFactory<ReviewPortalDbContext> inner) : IDbContextFactory<ReviewPortalDbContext>
    {
        private volatile bool _disconnected;

        public void Disconnect() => _disconnected = true;

        public ReviewPortalDbContext CreateDbContext() => _disconnected
            ? throw new InvalidOperationException("This node cannot reach the database.")
            : inner.CreateDbContext();
    }
}
