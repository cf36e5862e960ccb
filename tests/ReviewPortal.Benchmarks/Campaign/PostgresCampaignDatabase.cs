using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using NpgsqlTypes;
using ReviewPortal.Benchmarks.Support;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Database;

namespace ReviewPortal.Benchmarks.Campaign;

/// <summary>
/// The campaign benchmark's data on PostgreSQL: a database migrated by the portal's own PostgreSQL migration set, then
/// filled with the rows of the SQLite campaign file, table by table through binary COPY (values converted from SQLite's
/// storage: UTC ticks → timestamptz, ISO text → date, 0/1 → boolean), sequences moved past the copied keys, then
/// VACUUM ANALYZE, as after any bulk load. Both engines therefore measure the same identities, directory, grants,
/// rollups and ledger. The 10 M raw ActivityEvents are left out: launch, My reviews and bulk decision never read them
/// (their 30-day rollups are copied), and copying them would add ~5 GB and several minutes to every build.
/// </summary>
internal static class PostgresCampaignDatabase
{
    private static readonly HashSet<string> Skipped = [nameof(ReviewPortalDbContext.ActivityEvents)];

    public static async Task BuildAsync(string sqliteFile, PostgresBenchDatabase target, Args args)
    {
        var clock = Stopwatch.StartNew();
        var building = (PostgresBenchDatabase)BenchDatabase.Postgres(args, target.Name + "_building");
        await using (var provider = Portal.Services(building).BuildServiceProvider())
        {
            await Portal.MigrateFreshAsync(provider, building);
            await using var db = await provider.GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>().CreateDbContextAsync();
            await using var source = new SqliteConnection(Portal.ConnectionString(sqliteFile));
            await source.OpenAsync();
            await using var connection = new NpgsqlConnection(building.ConnectionString);
            await connection.OpenAsync();
            // Foreign keys are not checked row by row during the copy (the source is a consistent database, and this
            // frees the copy from ordering the tables): session_replication_role needs a superuser, which a benchmark
            // cluster's postgres login is.
            await ExecuteAsync(connection, "SET session_replication_role = replica");
            foreach (var entity in db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null && !e.IsOwned()))
            {
                var table = entity.GetTableName()!;
                if (Skipped.Contains(table))
                {
                    continue;
                }
                // The migrations seed some tables (the portal defaults' single row): the source's rows replace them.
                await ExecuteAsync(connection, $"DELETE FROM \"{table}\"");
                var rows = await CopyTableAsync(source, connection, entity, table);
                Progress.Say($"  {table}: {rows:N0} rows");
            }
            await ExecuteAsync(connection, "SET session_replication_role = origin");
            await ExecuteAsync(connection, """
                DO $$
                DECLARE c record;
                BEGIN
                    FOR c IN SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES' LOOP
                        EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), COALESCE((SELECT max(%I) FROM %I), 0) + 1, false)',
                            format('%I', c.table_name), c.column_name, c.column_name, c.table_name);
                    END LOOP;
                END $$
                """);
            await ExecuteAsync(connection, "VACUUM (ANALYZE)");
        }
        building.RenameTo(target.Name);
        Progress.Say($"campaign (postgres): built {target.Name} in {clock.Elapsed.TotalSeconds:F0} s ({target.SizeBytes() / 1e9:F2} GB)");
    }

    private static async Task<long> CopyTableAsync(SqliteConnection source, NpgsqlConnection target, IEntityType entity, string table)
    {
        var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
        var columns = entity.GetProperties()
            .Select(p => (Name: p.GetColumnName(store)!, Type: BaseType(p.GetColumnType(store))))
            .Where(c => c.Name is not null)
            .ToList();
        var list = string.Join(", ", columns.Select(c => $"\"{c.Name}\""));
        await using var read = source.CreateCommand();
        read.CommandText = $"SELECT {list} FROM \"{table}\"";
        await using var reader = await read.ExecuteReaderAsync();
        await using var copy = await target.BeginBinaryImportAsync($"COPY \"{table}\" ({list}) FROM STDIN (FORMAT BINARY)");
        long rows = 0;
        while (await reader.ReadAsync())
        {
            await copy.StartRowAsync();
            for (var i = 0; i < columns.Count; i++)
            {
                await WriteAsync(copy, reader.IsDBNull(i) ? null : reader.GetValue(i), columns[i].Type, table, columns[i].Name);
            }
            rows++;
        }
        await copy.CompleteAsync();
        return rows;
    }

    private static string BaseType(string type) => type.Contains('(') ? type[..type.IndexOf('(')] : type;

    /// <summary>One SQLite value (long, double, string or bytes, as EF's SQLite mapping stored it) as the PostgreSQL column's type.</summary>
    private static Task WriteAsync(NpgsqlBinaryImporter copy, object? value, string type, string table, string column)
    {
        if (value is null)
        {
            return copy.WriteNullAsync();
        }
        return type switch
        {
            "integer" => copy.WriteAsync(Convert.ToInt32(value, CultureInfo.InvariantCulture), NpgsqlDbType.Integer),
            "bigint" => copy.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture), NpgsqlDbType.Bigint),
            "boolean" => copy.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0, NpgsqlDbType.Boolean),
            "double precision" => copy.WriteAsync(Convert.ToDouble(value, CultureInfo.InvariantCulture), NpgsqlDbType.Double),
            "text" or "character varying" => copy.WriteAsync(Convert.ToString(value, CultureInfo.InvariantCulture)!, NpgsqlDbType.Text),
            // The SQLite model keeps every DateTimeOffset as UTC ticks (UtcTicksConverter).
            "timestamp with time zone" => copy.WriteAsync(new DateTime((long)value, DateTimeKind.Utc), NpgsqlDbType.TimestampTz),
            "date" => copy.WriteAsync(DateOnly.ParseExact((string)value, "yyyy-MM-dd", CultureInfo.InvariantCulture), NpgsqlDbType.Date),
            _ => throw new NotSupportedException($"{table}.{column}: no conversion from SQLite to PostgreSQL {type}."),
        };
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }
}
