using ReviewPortal.Web.Data;

namespace ReviewPortal.Web.Infrastructure.Database;

public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string ConnectionStringName = "ReviewPortal";

    public string Provider { get; set; } = "Sqlite";
    /// <summary>Where the embedded SQLite file lives when no connection string is given.</summary>
    public string DataFolder { get; set; } = "data";
    /// <summary>Apply migrations at start-up (embedded mode). SQL Server is migrated by the migrate verb.</summary>
    public bool MigrateOnStartup { get; set; } = true;
    /// <summary>
    /// How long one attempt of a save waits for the audit ledger's lock (SQL Server's application lock, PostgreSQL's
    /// advisory lock; on SQLite the database's write lock, in whole seconds) before the unit is run again (ADR 0002).
    /// </summary>
    public TimeSpan LedgerLockTimeout { get; set; } = LedgerLockOptions.Default.Timeout;
    /// <summary>Attempts in all (the first included) of a unit whose wait for the ledger lock ran out; then "busy, try again".</summary>
    public int LedgerLockAttempts { get; set; } = LedgerLockOptions.Default.Attempts;

    public LedgerLockOptions LedgerLock => new(LedgerLockTimeout, LedgerLockAttempts);
}
