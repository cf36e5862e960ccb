using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;

namespace ReviewPortal.Web.Infrastructure.Jobs;

/// <summary>
/// "Two runs never overlap, across nodes too": a lease row in the app database, taken with one conditional statement
/// (an upsert that overwrites only an expired row), so exactly one holder wins. Expiry is reckoned on the database's
/// clock, the one clock every node shares: a node whose clock runs ahead can never see a live lease as expired. While
/// the run works the holder renews the lease every ttl/3, so a run longer than its ttl (a 90-day backfill) keeps it; a
/// node that dies stops renewing, and another takes the lease over once ttl has passed.
/// </summary>
public sealed class DatabaseLease(IDbContextFactory<ReviewPortalDbContext> contexts, ILogger<DatabaseLease> logger)
{
    /// <returns>The lease, held until disposed; null when another holder has it.</returns>
    public async Task<HeldLease?> TryAcquireAsync(string name, TimeSpan ttl, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        var holder = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        // Taken before the statement is sent: the database set the expiry no earlier than this.
        var sent = Stopwatch.GetTimestamp();
        if (await ExecuteAsync(p => LeaseStatements.Take(p, name, holder, ttl), cancellationToken) == 0)
        {
            return null;
        }
        return new HeldLease(this, name, holder, ttl, sent, logger, cancellationToken);
    }

    /// <summary>
    /// Every job's run: under its lease (named by the job's id, as long as its descriptor says), or not at all.
    /// <paramref name="run"/> gets the lease's token, cancelled with the caller's and when the lease is lost (another node
    /// has taken it over), so a run never overlaps another node's; when another holder has the lease the run is skipped,
    /// logged, and <paramref name="skipped"/> is what the job answers.
    /// </summary>
    public Task<T> RunExclusiveAsync<T>(JobDescriptor job, Func<CancellationToken, Task<T>> run, Func<T> skipped,
        CancellationToken cancellationToken) =>
        RunExclusiveAsync(job, (HeldLease lease) => run(lease.Token), skipped, cancellationToken);

    /// <summary>The same, for a run that must tell a lost lease from a cancelled one (<see cref="HeldLease.IsLost"/>).</summary>
    public async Task<T> RunExclusiveAsync<T>(JobDescriptor job, Func<HeldLease, Task<T>> run, Func<T> skipped,
        CancellationToken cancellationToken)
    {
        await using var lease = await TryAcquireAsync(job.Id, job.Lease, cancellationToken);
        if (lease is null)
        {
            logger.LogInformation("Job {Job} skipped: another run holds its lease", job.Id);
            return skipped();
        }
        return await run(lease);
    }

    internal async Task<int> ExecuteAsync(Func<DatabaseProvider, LeaseStatements.Statement> statement, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (sql, arguments) = statement(db.Provider);
        return await db.Database.ExecuteSqlRawAsync(sql, arguments, cancellationToken);
    }

    internal async Task ReleaseAsync(string name, string holder)
    {
        await using var db = await contexts.CreateDbContextAsync();
        await db.JobLeases.Where(l => l.Name == name && l.Holder == holder)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, DateTimeOffset.MinValue.AddYears(1)));
    }
}

/// <summary>
/// A lease this run holds, renewed in the background until disposed (which releases it). <see cref="Token"/> is what the
/// job passes on instead of its own token: it is cancelled with the caller's token, and when the lease is lost (a renewal
/// found another holder, or could not reach the database before the lease would expire), so the run stops rather than
/// overlap the node that now holds it.
/// </summary>
public sealed class HeldLease : IAsyncDisposable
{
    private readonly DatabaseLease _leases;
    private readonly string _holder;
    private readonly TimeSpan _ttl;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _token;
    private readonly Task _renewing;

    internal HeldLease(DatabaseLease leases, string name, string holder, TimeSpan ttl, long confirmedAt, ILogger logger,
        CancellationToken cancellationToken)
    {
        _leases = leases;
        Name = name;
        _holder = holder;
        _ttl = ttl;
        _logger = logger;
        _token = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lost.Token);
        _renewing = Task.Run(() => RenewAsync(confirmedAt));
    }

    public string Name { get; }

    /// <summary>Cancelled when the caller's token is, or when the lease is lost.</summary>
    public CancellationToken Token => _token.Token;

    public bool IsLost => _lost.IsCancellationRequested;

    // Real time, not the app's TimeProvider: the lease expires on the database's real clock.
    private async Task RenewAsync(long confirmedAt)
    {
        var interval = _ttl / 3;
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                // The lease is certainly ours until ttl after the last confirmed renewal; past that, another node may
                // hold it, so a renewal that has not succeeded by then means the lease is lost.
                var remaining = _ttl - Stopwatch.GetElapsedTime(confirmedAt);
                if (remaining <= TimeSpan.Zero)
                {
                    Lose("it could not be renewed before it would expire");
                    return;
                }
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                deadline.CancelAfter(remaining);
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    if (await _leases.ExecuteAsync(p => LeaseStatements.Renew(p, Name, _holder, _ttl), deadline.Token) == 0)
                    {
                        Lose("another holder has taken it over");
                        return;
                    }
                    confirmedAt = sent;
                }
                catch (Exception ex) when (!_stop.IsCancellationRequested)
                {
                    if (deadline.IsCancellationRequested || Stopwatch.GetElapsedTime(confirmedAt) >= _ttl)
                    {
                        Lose("it could not be renewed before it would expire");
                        return;
                    }
                    _logger.LogWarning(ex, "Renewing lease {Lease} failed; trying again in {Interval}", Name, interval);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed: the run is over.
        }
    }

    private void Lose(string reason)
    {
        _logger.LogWarning("Lease {Lease} lost: {Reason}. The run holding it stops", Name, reason);
        _lost.Cancel();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        try
        {
            // Only this holder's row: a lease another node has taken over is left alone.
            await _leases.ReleaseAsync(Name, _holder);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Releasing lease {Lease} failed; it expires on its own within {Ttl}", Name, _ttl);
        }
        _token.Dispose();
        _lost.Dispose();
        _stop.Dispose();
    }
}

/// <summary>
/// The lease's two clock-dependent statements for each engine. Every expiry is computed by the database from its own
/// clock; the node sends only the ttl.
/// </summary>
internal static class LeaseStatements
{
    public sealed record Statement(string Sql, object[] Arguments);

    // SQLite stores a DateTimeOffset as UTC ticks (UtcTicksConverter). julianday('now') is SQLite's clock in days since
    // the Julian epoch, to the millisecond; 2440587.5 is the Unix epoch in those days, 621355968000000000 in ticks.
    private const string SqliteNow = "(CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 10000 + 621355968000000000)";
    private const string SqlServerNow = "TODATETIMEOFFSET(SYSUTCDATETIME(), 0)";

    /// <summary>Inserts the lease or takes over an expired one; one row changed when taken. Idempotent for its holder,
    /// so a retried statement whose first attempt committed still reports the lease as taken.</summary>
    public static Statement Take(DatabaseProvider provider, string name, string holder, TimeSpan ttl) => provider switch
    {
        DatabaseProvider.Sqlite => new($$"""
            INSERT INTO "JobLeases" ("Name", "Holder", "ExpiresAt") VALUES ({0}, {1}, {{SqliteNow}} + {2})
            ON CONFLICT ("Name") DO UPDATE SET "Holder" = excluded."Holder", "ExpiresAt" = excluded."ExpiresAt"
            WHERE "JobLeases"."ExpiresAt" < {{SqliteNow}} OR "JobLeases"."Holder" = excluded."Holder"
            """, [name, holder, ttl.Ticks]),
        DatabaseProvider.Postgres => new("""
            INSERT INTO "JobLeases" ("Name", "Holder", "ExpiresAt") VALUES ({0}, {1}, now() + {2})
            ON CONFLICT ("Name") DO UPDATE SET "Holder" = excluded."Holder", "ExpiresAt" = excluded."ExpiresAt"
            WHERE "JobLeases"."ExpiresAt" < now() OR "JobLeases"."Holder" = excluded."Holder"
            """, [name, holder, ttl]),
        // No upsert statement: an update of an expired row, else an insert under a key-range lock (two nodes inserting
        // at once serialize on it, and the second finds the row).
        DatabaseProvider.SqlServer => new($$"""
            UPDATE [JobLeases] WITH (UPDLOCK, HOLDLOCK)
            SET [Holder] = {1}, [ExpiresAt] = DATEADD(millisecond, {2}, {{SqlServerNow}})
            WHERE [Name] = {0} AND ([ExpiresAt] < {{SqlServerNow}} OR [Holder] = {1});
            IF @@ROWCOUNT = 0
                INSERT INTO [JobLeases] ([Name], [Holder], [ExpiresAt])
                SELECT {0}, {1}, DATEADD(millisecond, {2}, {{SqlServerNow}})
                WHERE NOT EXISTS (SELECT 1 FROM [JobLeases] WITH (UPDLOCK, HOLDLOCK) WHERE [Name] = {0});
            """, [name, holder, checked((int)ttl.TotalMilliseconds)]),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    /// <summary>Extends this holder's lease by ttl from now; no row changed when another holder has it.</summary>
    public static Statement Renew(DatabaseProvider provider, string name, string holder, TimeSpan ttl) => provider switch
    {
        DatabaseProvider.Sqlite => new($$"""
            UPDATE "JobLeases" SET "ExpiresAt" = {{SqliteNow}} + {2} WHERE "Name" = {0} AND "Holder" = {1}
            """, [name, holder, ttl.Ticks]),
        DatabaseProvider.Postgres => new("""
            UPDATE "JobLeases" SET "ExpiresAt" = now() + {2} WHERE "Name" = {0} AND "Holder" = {1}
            """, [name, holder, ttl]),
        DatabaseProvider.SqlServer => new($$"""
            UPDATE [JobLeases] SET [ExpiresAt] = DATEADD(millisecond, {2}, {{SqlServerNow}}) WHERE [Name] = {0} AND [Holder] = {1}
            """, [name, holder, checked((int)ttl.TotalMilliseconds)]),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };
}
