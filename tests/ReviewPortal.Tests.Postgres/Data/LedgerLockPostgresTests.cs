using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Database;

namespace ReviewPortal.Tests.Data;

/// <summary>
/// How long the ledger's advisory lock is held (issue #17, 9): a unit of work takes it only at its end, for the append and
/// the commit, and the entries of one save go into the ledger in one binary COPY (it was one INSERT per entry, a round
/// trip each, while the lock was held). The wait for the lock is bounded by lock_timeout, set for the lock statement
/// alone: the rest of the transaction keeps the session's own setting. (The wait itself, its retry and the busy answer
/// are LedgerLockWaitTests, on every engine.)
/// </summary>
public sealed class LedgerLockPostgresTests : IDisposable
{
    private readonly PostgresTestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private DbContextOptions<PostgresReviewPortalDbContext> Options(LedgerLockOptions? ledgerLock = null)
    {
        var options = new DbContextOptionsBuilder<PostgresReviewPortalDbContext>();
        DatabaseSetup.ConfigurePostgres(options, _database.ConnectionString, ledgerLock);
        return options.Options;
    }

    private static AuditActor Actor => new(null, "ledger-lock-test", PortalAppFactory.Now, "pg-lock");

    /// <summary>Whether another connection could take the ledger's advisory lock right now (it lets go of it at once).</summary>
    private bool LedgerLockFree()
    {
        using var other = _database.OpenConnection();
        using var transaction = other.BeginTransaction();
        using var command = other.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT pg_try_advisory_xact_lock({AuditStatements.PostgresLedgerLockKey})";
        var free = (bool)command.ExecuteScalar()!;
        transaction.Rollback();
        return free;
    }

    [Fact]
    public async Task AuditedSaveInsideAUnit_LedgerLockTakenOnlyAtTheUnitsEnd()
    {
        // A unit that saves audited changes and then goes on working (a directory sync saves its grants, then reads the
        // activity history) used to hold the ledger from its first audited save to its commit.
        var contexts = new Contexts(Options());

        var freeAfterTheSave = await contexts.WriteAsync(async (db, ct) =>
        {
            db.Audit(Actor, "test.unit-end", new AuditTarget("Setting", "x"));
            await db.SaveChangesAsync(ct);
            return LedgerLockFree();
        });

        Assert.True(freeAfterTheSave, "The ledger lock was held from the unit's first audited save.");
        await using var check = new PostgresReviewPortalDbContext(Options());
        Assert.Equal(1, await check.AuditEntries.CountAsync(e => e.Action == "test.unit-end"));
    }

    [Fact]
    public async Task AuditedSaveInACallersTransaction_AfterTheLock_TheTransactionRunsWithTheSessionsLockTimeoutAgain()
    {
        await using var db = new PostgresReviewPortalDbContext(Options(new LedgerLockOptions(TimeSpan.FromSeconds(7), 1)));

        var (before, held, after) = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var lockTimeoutBefore = await LockTimeoutAsync(db, default);
            db.Audit(Actor, "test.lock-timeout", new AuditTarget("Setting", "x"));
            await db.SaveChangesAsync();
            var lockHeld = !LedgerLockFree();
            var lockTimeoutAfter = await LockTimeoutAsync(db, default);
            await transaction.CommitAsync();
            return (lockTimeoutBefore, lockHeld, lockTimeoutAfter);
        });

        // The lock was taken with a 7 s lock_timeout, and the rest of the transaction runs with the session's own (none).
        Assert.True(held);
        Assert.Equal("0", before);
        Assert.Equal("0", after);
        await using var check = new PostgresReviewPortalDbContext(Options());
        Assert.Equal(1, await check.AuditEntries.CountAsync(e => e.Action == "test.lock-timeout"));
    }

    [Fact]
    public async Task AuditedSave_ThousandEntries_WrittenByOneStatementWhileTheLockIsHeld()
    {
        // A statement-level trigger fires once per statement that inserts into the ledger, however many rows it writes
        // (a COPY included): the count is what the lock is held for. This database is the test's own.
        _database.Execute("""
            CREATE TABLE ledger_insert_statements (at timestamptz NOT NULL);
            CREATE FUNCTION count_ledger_insert() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN INSERT INTO ledger_insert_statements VALUES (clock_timestamp()); RETURN NULL; END $$;
            CREATE TRIGGER count_ledger_insert AFTER INSERT ON "AuditEntries" FOR EACH STATEMENT EXECUTE FUNCTION count_ledger_insert();
            """);
        await using (var db = new PostgresReviewPortalDbContext(Options()))
        {
            for (var i = 0; i < 1_000; i++)
            {
                db.Audit(Actor, "test.append", new AuditTarget("Setting", $"s{i}"), after: new { i });
            }
            await db.SaveChangesAsync();
        }

        await using var check = new PostgresReviewPortalDbContext(Options());
        Assert.Equal(1_000, await check.AuditEntries.CountAsync(e => e.Action == "test.append"));
        Assert.Equal(1, (await check.Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM ledger_insert_statements").ToListAsync()).Single());
    }

    private static async Task<string> LockTimeoutAsync(ReviewPortalDbContext db, CancellationToken cancellationToken) =>
        (await db.Database.SqlQueryRaw<string>("SELECT current_setting('lock_timeout') AS \"Value\"").ToListAsync(cancellationToken)).Single();

    private sealed class Contexts(DbContextOptions<PostgresReviewPortalDbContext> options) : IDbContextFactory<ReviewPortalDbContext>
    {
        public ReviewPortalDbContext CreateDbContext() => new PostgresReviewPortalDbContext(options);
    }
}
