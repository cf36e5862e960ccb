using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using ReviewPortal.Web.Data;

namespace ReviewPortal.Web.Infrastructure.Database;

/// <summary>Applies the configured provider's migration set (start-up in embedded mode, or the migrate verb).</summary>
public sealed class DatabaseMigrator(IDbContextFactory<ReviewPortalDbContext> contexts, ILogger<DatabaseMigrator> logger)
{
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // On an empty server database EF reads its history table before creating it, and logs that failed read as
        // "fail: … __EFMigrationsHistory does not exist", which an operator running the deployment step takes for an
        // error. The table is created first, so nothing fails.
        var history = db.GetService<IHistoryRepository>();
        await history.CreateIfNotExistsAsync(cancellationToken);
        var applied = (await history.GetAppliedMigrationsAsync(cancellationToken)).Select(m => m.MigrationId).ToHashSet();
        var pending = db.Database.GetMigrations().Where(m => !applied.Contains(m)).ToList();
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            await EnableWriteAheadLogAsync(db, cancellationToken);
        }
        await db.Database.MigrateAsync(cancellationToken);
        if (pending.Count > 0)
        {
            logger.LogInformation("Applied {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
        }
        return pending;
    }

    // WAL lets the portal read while ingestion writes; it is a property of the file, set once.
    private static async Task EnableWriteAheadLogAsync(ReviewPortalDbContext db, CancellationToken cancellationToken)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
