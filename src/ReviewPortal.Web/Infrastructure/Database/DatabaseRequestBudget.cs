using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using ReviewPortal.Claude;
using ReviewPortal.Claude.Resilience;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Infrastructure.Database;

/// <summary>
/// The Claude request budget of every node on one database: at most <see cref="ClaudeOptions.RequestsPerMinute"/>
/// requests in any window, across nodes, on the database's clock (each node's own clock may differ; the database's is
/// the one they share). One row per permit granted, stamped with that clock; a permit is granted only while fewer than
/// the limit fall in the trailing window. Grants are serialised by the provider's lock (a PostgreSQL advisory lock, a
/// SQL Server application lock, SQLite's write lock), so two nodes never both take the last permit, and each grant first
/// deletes the rows that have left the window. A full window makes the caller wait until its oldest permit leaves.
/// </summary>
public sealed partial class DatabaseRequestBudget : IClaudeRequestBudget
{
    /// <summary>
    /// The API's minute plus three seconds: the API counts a request when it arrives, a permit is stamped before the request
    /// leaves (commit, then the HTTP send), so a window of exactly a minute lets the API see one request too many whenever
    /// that trip took longer than the gap between two permits. Measured in the two-node test on a loaded 2-core machine:
    /// median 15 ms, longest 1 s; 1 s of slack was exceeded once (91 in a minute with a limit of 90). Three seconds cost
    /// 5% of the budget.
    /// </summary>
    public static readonly TimeSpan OrganizationWindow = TimeSpan.FromSeconds(63);

    /// <summary>"ClaudeRB" as a 64-bit number: the PostgreSQL advisory lock of the budget (the ledger has its own).</summary>
    public const long PostgresLockKey = 0x436C617564655242;

    // Waking a hair after the oldest permit leaves, so the next attempt finds it gone rather than going round again.
    private static readonly TimeSpan WakeMargin = TimeSpan.FromMilliseconds(20);

    private readonly IDbContextFactory<ReviewPortalDbContext> _contexts;
    private readonly ServerAnnouncedReset _reset;
    private readonly TimeProvider _time;
    private readonly ILogger<DatabaseRequestBudget> _logger;
    private readonly int _limit;
    private readonly TimeSpan _window;
    private readonly string _node = MaxLengths.Truncate($"{Environment.MachineName}:{Environment.ProcessId}", MaxLengths.ClaudeRequestPermit.Node);

    public DatabaseRequestBudget(IDbContextFactory<ReviewPortalDbContext> contexts, IOptions<ClaudeOptions> options,
        ServerAnnouncedReset reset, TimeProvider time, ILogger<DatabaseRequestBudget> logger)
        : this(contexts, options, reset, time, logger, OrganizationWindow)
    {
    }

    /// <summary>Test seam: a short window shows the same behaviour in seconds instead of minutes.</summary>
    internal DatabaseRequestBudget(IDbContextFactory<ReviewPortalDbContext> contexts, IOptions<ClaudeOptions> options,
        ServerAnnouncedReset reset, TimeProvider time, ILogger<DatabaseRequestBudget> logger, TimeSpan window)
    {
        _contexts = contexts;
        _reset = reset;
        _time = time;
        _logger = logger;
        _limit = Math.Max(1, options.Value.RequestsPerMinute);
        _window = window;
    }

    public async ValueTask AcquireAsync(CancellationToken cancellationToken)
    {
        // The announced reset first, then the permit: the permit's stamp should be as close to the send as possible.
        await _reset.WaitAsync(cancellationToken);
        await AcquirePermitAsync(cancellationToken);
    }

    public void Observe(HttpResponseMessage response) => _reset.Observe(response);

    /// <summary>Waits for a permit; returns its stamp on the database's clock.</summary>
    internal async Task<DateTimeOffset> AcquirePermitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var (grantedAt, wait) = await _contexts.WriteAsync(TryGrantAsync, cancellationToken);
            if (grantedAt is { } stamp)
            {
                return stamp;
            }
            LogWaiting(_logger, _limit, wait.TotalSeconds);
            await Task.Delay(wait, _time, cancellationToken);
        }
    }

    /// <summary>One unit of work: lock, read the clock, prune, count, and either stage a permit or say how long to wait.</summary>
    private async Task<(DateTimeOffset? GrantedAt, TimeSpan Wait)> TryGrantAsync(ReviewPortalDbContext db, CancellationToken cancellationToken)
    {
        var now = await LockAndReadClockAsync(db, cancellationToken);
        var windowStart = now - _window;
        await db.ClaudeRequestPermits.Where(p => p.GrantedAt <= windowStart).ExecuteDeleteAsync(cancellationToken);
        if (await db.ClaudeRequestPermits.CountAsync(cancellationToken) < _limit)
        {
            db.ClaudeRequestPermits.Add(new ClaudeRequestPermit { GrantedAt = now, Node = _node });
            return (now, TimeSpan.Zero); // the unit saves and commits it
        }
        var oldest = await db.ClaudeRequestPermits.MinAsync(p => p.GrantedAt, cancellationToken);
        var wait = oldest + _window - now;
        return (null, (wait > TimeSpan.Zero ? wait : TimeSpan.Zero) + WakeMargin);
    }

    /// <summary>
    /// Takes the budget's lock for the rest of the transaction, then reads the database's clock: read after the lock, so
    /// a node that waited for it stamps the time it was granted, not the time it asked (PostgreSQL's now() would be the
    /// transaction's start, hence clock_timestamp()).
    /// </summary>
    private static async Task<DateTimeOffset> LockAndReadClockAsync(ReviewPortalDbContext db, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        if (db.Provider == DatabaseProvider.Postgres)
        {
            await using var lockCommand = connection.CreateCommand();
            lockCommand.Transaction = transaction;
            lockCommand.CommandText = $"SELECT pg_advisory_xact_lock({PostgresLockKey})";
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var clock = connection.CreateCommand();
        clock.Transaction = transaction;
        clock.CommandText = db.Provider switch
        {
            DatabaseProvider.SqlServer => """
                DECLARE @lock int;
                EXEC @lock = sp_getapplock @Resource = 'claude-request-budget', @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 30000;
                IF @lock < 0 THROW 51002, 'The Claude request budget lock was not granted within 30 s.', 1;
                SELECT SYSUTCDATETIME();
                """,
            DatabaseProvider.Postgres => "SELECT clock_timestamp()",
            // The unit's transaction is BEGIN IMMEDIATE: it already holds the file's write lock. julianday counts days
            // from noon, 4714 BC; 1721425.5 is 0001-01-01 00:00, where .NET ticks start. Millisecond precision.
            _ => "SELECT CAST(ROUND((julianday('now') - 1721425.5) * 86400000.0) AS INTEGER) * 10000",
        };
        return await clock.ExecuteScalarAsync(cancellationToken) switch
        {
            long ticks => new DateTimeOffset(ticks, TimeSpan.Zero),
            DateTime utc => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)),
            DateTimeOffset value => value.ToUniversalTime(),
            var other => throw new InvalidOperationException($"The database clock answered {other?.GetType().Name ?? "null"}."),
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Claude request budget: {Limit} requests in the window across all nodes; waiting {Seconds:F1}s for the oldest to leave it")]
    private static partial void LogWaiting(ILogger logger, int limit, double seconds);
}
