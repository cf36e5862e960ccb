using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Data;
using SQLitePCL;

namespace ReviewPortal.Tests.Data;

/// <summary>
/// The ledger lock is held from the head read to the commit, so what it costs is the number of statements run in
/// between (issue #17, 9): the entries of one save go into the ledger in multi-row INSERTs, not one INSERT per entry.
/// SQLite has no statement-level triggers, so the statements are counted with SQLite's own trace of the connection that
/// saves. (PostgreSQL's one COPY: LedgerLockPostgresTests.)
/// </summary>
public sealed class SqliteLedgerAppendTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    [Fact]
    public async Task AuditedSave_ThousandEntries_WrittenInOneInsertPerChunkOfRows()
    {
        const int entries = 1_000;
        await using var db = await portal.CreateDbContextAsync();
        var before = await db.AuditEntries.CountAsync();
        var inserts = 0;
        await db.Database.OpenConnectionAsync();
        var handle = ((SqliteConnection)db.Database.GetDbConnection()).Handle!;
        // The trace reports each statement as it starts (a trigger's statements as "-- TRIGGER" comments).
        raw.sqlite3_trace(handle, (_, sql) =>
        {
            if (sql.StartsWith("INSERT INTO \"AuditEntries\"", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref inserts);
            }
        }, null);
        try
        {
            var actor = new AuditActor(null, "append-test", PortalAppFactory.Now, "sqlite-append");
            for (var i = 0; i < entries; i++)
            {
                db.Audit(actor, "test.append", new AuditTarget("Setting", $"s{i}"), after: new { i });
            }
            await db.SaveChangesAsync();
        }
        finally
        {
            raw.sqlite3_trace(handle, (strdelegate_trace?)null, null);
        }

        var rows = AuditStatements.For(db).RowsPerInsert;
        Assert.InRange(rows, 2, entries / 2);
        Assert.Equal((entries + rows - 1) / rows, inserts);
        Assert.Equal(before + entries, await db.AuditEntries.CountAsync());
    }
}
