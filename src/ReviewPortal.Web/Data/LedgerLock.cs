using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace ReviewPortal.Web.Data;

/// <summary>
/// How long one attempt of a save waits for the audit ledger's lock, and how many attempts a unit of work (or a lone
/// audited save) gets when the wait runs out (<c>Database:LedgerLockTimeout</c>, <c>Database:LedgerLockAttempts</c>;
/// ADR 0002). A wait that runs out is not a failure of the change: the ledger was busy (a campaign closing, a large sync),
/// so the unit runs again from its first read, and only after the last attempt does the caller see
/// <see cref="LedgerBusyException"/>.
/// </summary>
public sealed record LedgerLockOptions(TimeSpan Timeout, int Attempts)
{
    public static readonly LedgerLockOptions Default = new(TimeSpan.FromSeconds(10), 3);
}

/// <summary>
/// The ledger lock was not granted within the lock timeout on any attempt: another save held it all that time. Nothing
/// of the change was saved; the user may try again.
/// </summary>
public sealed class LedgerBusyException(string message, Exception? innerException) : Exception(message, innerException)
{
    /// <summary>What a person is told (the handlers add what was not saved); the log has this exception.</summary>
    public const string UserMessage = "The audit ledger is busy recording another large change (a campaign closing or a directory sync).";
}

public static class LedgerLock
{
    /// <summary>Carries <paramref name="settings"/> in the context's options (every context built from them uses them).</summary>
    public static DbContextOptionsBuilder UseLedgerLock(this DbContextOptionsBuilder options, LedgerLockOptions settings)
    {
        if (settings.Timeout <= TimeSpan.Zero || settings.Attempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings, "The ledger lock needs a positive timeout and at least one attempt.");
        }
        ((IDbContextOptionsBuilderInfrastructure)options).AddOrUpdateExtension(new LedgerLockExtension(settings));
        return options;
    }

    internal static LedgerLockOptions For(DbContext db) =>
        db.GetService<IDbContextOptions>().FindExtension<LedgerLockExtension>()?.Settings ?? LedgerLockOptions.Default;

    /// <summary>
    /// Runs <paramref name="attempt"/> (one whole unit: its own transaction, inside the provider's execution strategy)
    /// and runs it again when it failed because the ledger lock was not granted in time, up to the configured number of
    /// attempts. The wait itself is the back-off: each attempt has already waited the lock timeout.
    /// </summary>
    internal static async Task<T> RetryWhileBusyAsync<T>(DbContext db, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var settings = For(db);
        var logger = db.GetService<ILoggerFactory>().CreateLogger(typeof(LedgerLock).FullName!);
        for (var run = 1; ; run++)
        {
            try
            {
                return await attempt(cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsBusy(ex))
            {
                if (run >= settings.Attempts)
                {
                    logger.LogWarning(ex, "The audit ledger lock was not granted within {Timeout} on any of {Attempts} attempts; nothing was saved",
                        settings.Timeout, settings.Attempts);
                    throw ex as LedgerBusyException ?? Busy(settings.Timeout, ex);
                }
                logger.LogWarning(Retrying, ex, "The audit ledger lock was not granted within {Timeout} (attempt {Attempt} of {Attempts}); running the unit again",
                    settings.Timeout, run, settings.Attempts);
            }
        }
    }

    /// <summary>The event a retry after a lock wait logs (tests wait for it).</summary>
    public static readonly EventId Retrying = new(1701, "LedgerLockRetrying");

    internal static LedgerBusyException Busy(TimeSpan timeout, Exception inner) =>
        new($"The audit ledger lock was not granted within {timeout.TotalSeconds:0.###} s.", inner);

    /// <summary>
    /// Whether a failure of the ledger's lock statement means the lock was not granted in time: PostgreSQL's lock_timeout
    /// (55P03), a statement_timeout or cancel (57014) or Npgsql's command timeout; SQL Server's error 51001 from the lock
    /// batch or the client's command timeout (-2).
    /// </summary>
    internal static bool IsLockTimeout(Exception ex) => ex switch
    {
        PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled } => true,
        NpgsqlException { InnerException: TimeoutException } => true,
        SqlException { Number: 51001 or -2 } => true,
        _ => false,
    };

    /// <summary>
    /// The ledger was busy: a server provider's lock wait ran out (<see cref="LedgerBusyException"/>, raised where the lock
    /// is taken), or, on SQLite, where the database's write lock is the ledger lock, BEGIN IMMEDIATE (or a write) found
    /// it held past the busy timeout (SQLITE_BUSY), possibly wrapped by EF.
    /// </summary>
    private static bool IsBusy(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is LedgerBusyException or SqliteException { SqliteErrorCode: SqliteBusy })
            {
                return true;
            }
        }
        return false;
    }

    private const int SqliteBusy = 5;

    private sealed class LedgerLockExtension(LedgerLockOptions settings) : IDbContextOptionsExtension
    {
        public LedgerLockOptions Settings { get; } = settings;

        public DbContextOptionsExtensionInfo Info => new ExtensionInfo(this);

        public void ApplyServices(IServiceCollection services)
        {
        }

        public void Validate(IDbContextOptions options)
        {
        }

        private sealed class ExtensionInfo(LedgerLockExtension extension) : DbContextOptionsExtensionInfo(extension)
        {
            public override bool IsDatabaseProvider => false;

            public override string LogFragment =>
                $"LedgerLock={extension.Settings.Timeout.TotalSeconds:0.###}s×{extension.Settings.Attempts} ";

            // Settings only: no services, so every value shares the one internal service provider.
            public override int GetServiceProviderHashCode() => 0;

            public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;

            public override void PopulateDebugInfo(IDictionary<string, string> debugInfo)
            {
                debugInfo["ReviewPortal:LedgerLock:Timeout"] = extension.Settings.Timeout.ToString();
                debugInfo["ReviewPortal:LedgerLock:Attempts"] = extension.Settings.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
    }
}
