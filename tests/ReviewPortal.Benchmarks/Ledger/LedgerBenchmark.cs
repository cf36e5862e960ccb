using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using ReviewPortal.Benchmarks.Support;
using ReviewPortal.Web.Data;

namespace ReviewPortal.Benchmarks.Ledger;

/// <summary>
/// Benchmark 5: how long one large audited save holds the ledger lock (issue #17, 9). One <c>SaveChangesAsync</c> of
/// <c>--entries</c> staged entries (100,000: what closing a 100,000-item campaign with a "revoke" default stages) on a
/// ledger of <c>--ledger</c> entries, on SQLite or PostgreSQL. The hold is measured from the moment the lock statement
/// (lock and head read) returns (<c>ReviewPortalDbContext.LedgerLockedAt</c>) to the moment the save returns, i.e. after its
/// commit: for that long every other writer of the ledger waits. The base database (migrated, the ledger of
/// <see cref="SyntheticLedger"/>) is built once; every run works on a fresh copy of it, so every run, and a run of another
/// build, appends to the same ledger.
/// </summary>
internal static class LedgerBenchmark
{
    public static long LedgerSize(Args args) => args.Long("ledger", 1_000_000);

    /// <summary>The built database for the run's provider (one provider per process).</summary>
    public static BenchDatabase Base(Args args) => BenchDatabase.Providers(args) switch
    {
        ["sqlite"] => BenchDatabase.Sqlite(Path.Combine(Folder(args), $"ledger-{LedgerSize(args)}.db")),
        ["postgres"] => BenchDatabase.Postgres(args, $"rp_bench_ledger_{LedgerSize(args)}"),
        _ => throw new ArgumentException("One provider per process: Program runs --provider both as one child per provider."),
    };

    private static string Folder(Args args) => args.String("dir", Path.Combine(Path.GetTempPath(), "reviewportal-bench"));

    public static async Task EnsureDatabaseAsync(Args args)
    {
        var target = Base(args);
        if (target.Exists() && !args.Flag("rebuild"))
        {
            Progress.Say($"ledger ({target.Label}): reusing the base database ({target.SizeBytes() / 1e9:F2} GB)");
            return;
        }
        var clock = Stopwatch.StartNew();
        var size = LedgerSize(args);
        var identities = args.Int("identities", 50_000);
        var now = DateTimeOffset.UtcNow;
        if (target is SqliteBenchDatabase sqlite)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(sqlite.File)!);
            var building = sqlite.File + ".building";
            await using (var provider = Portal.Services(building).BuildServiceProvider())
            {
                await Portal.MigrateFreshAsync(provider, building);
            }
            await using (var connection = new SqliteConnection(Portal.ConnectionString(building)))
            {
                await connection.OpenAsync();
                Execute(connection, "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;");
                Audit.AuditBenchmark.InsertLedger(connection, size, identities, now);
                Execute(connection, "PRAGMA synchronous=FULL; PRAGMA wal_checkpoint(TRUNCATE);");
            }
            SqliteConnection.ClearAllPools();
            File.Delete(building + "-wal");
            File.Delete(building + "-shm");
            File.Move(building, sqlite.File, overwrite: true);
        }
        else
        {
            var postgres = (PostgresBenchDatabase)target;
            var building = (PostgresBenchDatabase)BenchDatabase.Postgres(args, postgres.Name + "_building");
            await using (var provider = Portal.Services(building).BuildServiceProvider())
            {
                await Portal.MigrateFreshAsync(provider, building);
            }
            await using (var connection = new NpgsqlConnection(building.ConnectionString))
            {
                await connection.OpenAsync();
                await CopyLedgerAsync(connection, size, identities, now);
                await using var vacuum = new NpgsqlCommand("VACUUM (ANALYZE)", connection) { CommandTimeout = 0 };
                await vacuum.ExecuteNonQueryAsync();
            }
            building.RenameTo(postgres.Name);
        }
        Progress.Say($"ledger ({target.Label}): built {size:N0} entries in {clock.Elapsed.TotalSeconds:F0} s ({target.SizeBytes() / 1e9:F2} GB)");
    }

    /// <summary>PostgreSQL: the same entries as SQLite's build, in one binary COPY (the migrated indexes and triggers in place).</summary>
    private static async Task CopyLedgerAsync(NpgsqlConnection connection, long size, int identities, DateTimeOffset now)
    {
        await using var copy = await connection.BeginBinaryImportAsync("""
            COPY "AuditEntries" ("Sequence", "OccurredAt", "ActorId", "Actor", "Action", "TargetType", "TargetId", "IdentityId", "CampaignId",
                "Before", "After", "CorrelationId", "PreviousHash", "Hash") FROM STDIN (FORMAT BINARY)
            """);
        copy.Timeout = TimeSpan.Zero;
        long n = 0;
        foreach (var e in SyntheticLedger.Entries(size, identities, now, 0, Web.Domain.AuditChain.Genesis))
        {
            await copy.StartRowAsync();
            await copy.WriteAsync(e.Sequence, NpgsqlDbType.Bigint);
            await copy.WriteAsync(e.OccurredAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            await WriteNullableAsync(copy, e.ActorId);
            await copy.WriteAsync(e.Actor, NpgsqlDbType.Varchar);
            await copy.WriteAsync(e.Action, NpgsqlDbType.Varchar);
            await copy.WriteAsync(e.TargetType, NpgsqlDbType.Varchar);
            await copy.WriteAsync(e.TargetId, NpgsqlDbType.Varchar);
            await WriteNullableAsync(copy, e.IdentityId);
            await WriteNullableAsync(copy, e.CampaignId);
            await WriteNullableAsync(copy, e.Before);
            await WriteNullableAsync(copy, e.After);
            await copy.WriteAsync(e.CorrelationId, NpgsqlDbType.Varchar);
            await copy.WriteAsync(e.PreviousHash, NpgsqlDbType.Varchar);
            await copy.WriteAsync(e.Hash, NpgsqlDbType.Varchar);
            if (++n % 100_000 == 0)
            {
                Progress.Say($"  {n:N0} ledger entries");
            }
        }
        await copy.CompleteAsync();
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, int? value) =>
        value is { } v ? copy.WriteAsync(v, NpgsqlDbType.Integer) : copy.WriteNullAsync();

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value) =>
        value is { } v ? copy.WriteAsync(v, NpgsqlDbType.Text) : copy.WriteNullAsync();

    public static async Task<Dictionary<string, object?>> RunAsync(Args args)
    {
        await EnsureDatabaseAsync(args);
        var entries = args.Int("entries", 100_000);
        var loadAtStart = Ingest.IngestBenchmark.LoadAverage();
        var database = CopyOfBase(args);
        try
        {
            await using var provider = Portal.Services(database).BuildServiceProvider();
            var contexts = provider.GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>();
            long before;
            int? rowsPerInsert;
            await using (var db = await contexts.CreateDbContextAsync())
            {
                before = await db.AuditEntries.LongCountAsync();
                // Diagnostic: another chunk size for the multi-row INSERTs (SQLite, SQL Server), to choose the default.
                if (args.Flag("rows-per-insert"))
                {
                    AuditStatements.For(db).RowsPerInsert = args.Int("rows-per-insert", 0);
                }
                rowsPerInsert = database.Provider == DatabaseProvider.Postgres ? null : AuditStatements.For(db).RowsPerInsert;
            }
            // Warm-up through the same path (JIT, the EF model, the ledger statements), as in a running portal.
            var warm = await SaveAsync(contexts, 1_000, "bench-ledger-warm");

            using var process = Process.GetCurrentProcess();
            var serverBefore = database.ServerCpuSeconds();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var timed = await SaveAsync(contexts, entries, "bench-ledger");
            process.Refresh();
            var processCpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
            var serverCpu = database.ServerCpuSeconds() - serverBefore;

            long after;
            await using (var db = await contexts.CreateDbContextAsync())
            {
                after = await db.AuditEntries.LongCountAsync();
            }
            if (after != before + 1_000 + entries)
            {
                throw new InvalidOperationException($"The ledger grew by {after - before}, expected {1_000 + entries}.");
            }
            Progress.Say($"ledger ({database.Label}): {entries:N0} entries on a ledger of {before:N0}: lock held {timed.Hold.TotalSeconds:F2} s, " +
                         $"save {timed.Save.TotalSeconds:F2} s (CPU {processCpu:F2} s process + {serverCpu:F2} s server)");
            return new Dictionary<string, object?>
            {
                ["benchmark"] = "ledger",
                ["provider"] = database.Label,
                ["database"] = database.Describe(),
                ["ledgerBefore"] = before,
                ["entries"] = entries,
                ["rowsPerInsert"] = rowsPerInsert,
                ["databaseGb"] = Math.Round(database.SizeBytes() / 1e9, 2),
                // From the lock (granted, head read) to the commit: every other ledger writer waits this long.
                ["holdSeconds"] = Math.Round(timed.Hold.TotalSeconds, 3),
                ["saveSeconds"] = Math.Round(timed.Save.TotalSeconds, 3),
                ["saveCpuSeconds"] = Math.Round(processCpu + (double.IsNaN(serverCpu) ? 0 : serverCpu), 3),
                ["saveProcessCpuSeconds"] = Math.Round(processCpu, 3),
                ["saveServerCpuSeconds"] = Math.Round(serverCpu, 3),
                ["warmEntries"] = 1_000,
                ["warmHoldSeconds"] = Math.Round(warm.Hold.TotalSeconds, 3),
                ["peakWorkingSetMb"] = Machine.PeakWorkingSetMb(),
                ["loadAverageAtStart"] = loadAtStart,
                ["loadAverage"] = Ingest.IngestBenchmark.LoadAverage(),
            };
        }
        finally
        {
            database.Drop();
        }
    }

    /// <summary>A working copy of the base database for this run (the base itself never changes after its build).</summary>
    private static BenchDatabase CopyOfBase(Args args)
    {
        var source = Base(args);
        if (source is PostgresBenchDatabase postgres)
        {
            return postgres.CloneAs($"{postgres.Name}_run_{Environment.ProcessId}");
        }
        var file = ((SqliteBenchDatabase)source).File;
        var copy = Path.Combine(Path.GetDirectoryName(file)!, $"ledger-run-{Environment.ProcessId}.db");
        File.Copy(file, copy, overwrite: true);
        return BenchDatabase.Sqlite(copy);
    }

    /// <summary>Stages <paramref name="entries"/> entries (a campaign close's "review.defaulted") and saves them in one SaveChanges.</summary>
    private static async Task<(TimeSpan Hold, TimeSpan Save)> SaveAsync(IDbContextFactory<ReviewPortalDbContext> contexts, int entries,
        string correlationId)
    {
        await using var db = await contexts.CreateDbContextAsync();
        var actor = new AuditActor(1, "Person 1", DateTimeOffset.UtcNow, correlationId);
        for (var i = 0; i < entries; i++)
        {
            db.Audit(actor, "review.defaulted", new AuditTarget("ReviewItem", (1_000_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                after: new { outcome = "Revoke", UnreviewedOutcome = "Revoke" }, identityId: 1 + i % 50_000, campaignId: 1);
        }
        var start = Stopwatch.GetTimestamp();
        await db.SaveChangesAsync();
        var end = Stopwatch.GetTimestamp();
        return (Stopwatch.GetElapsedTime(db.LedgerLockedAt, end), Stopwatch.GetElapsedTime(start, end));
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        command.ExecuteNonQuery();
    }
}
