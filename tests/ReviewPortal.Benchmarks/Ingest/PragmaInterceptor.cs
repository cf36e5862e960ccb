using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ReviewPortal.Benchmarks.Ingest;

/// <summary>Prototype of a proposed src fix: run PRAGMAs (e.g. <c>cache_size=-65536;synchronous=NORMAL</c>) on every opened connection.</summary>
internal sealed class PragmaInterceptor(string pragmas) : DbConnectionInterceptor
{
    private readonly string _sql = Sql(pragmas);

    public static string Sql(string pragmas) =>
        string.Concat(pragmas.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"PRAGMA {p};"));

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Run(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Run(connection);
        return Task.CompletedTask;
    }

    private void Run(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _sql;
        command.ExecuteNonQuery();
    }
}
