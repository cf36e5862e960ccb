using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ReviewPortal.Web.Infrastructure.Database;

/// <summary>
/// Per-connection SQLite settings for the embedded mode: a 32 MB page cache (the activity index
/// outgrows the 2 MB default and every insert then reads from disk) and synchronous=NORMAL, the
/// setting SQLite recommends with WAL — durable across process crashes; an OS crash or power cut
/// can lose the last transactions, never corrupt the file. Production runs on SQL Server.
/// </summary>
public sealed class SqliteConnectionTuning : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA cache_size=-32768; PRAGMA synchronous=NORMAL;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }
}
