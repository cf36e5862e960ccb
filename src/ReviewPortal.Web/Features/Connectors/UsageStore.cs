using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// Writes a UTC day of usage rollups, replacing what that day held: the day's rows of the subjects read are deleted and the
/// new rows upserted on the key (subject, subject id, workspace, day), in the caller's transaction, so a re-read day ends
/// with exactly what upstream says now (a revised count replaces the old one; usage revised away loses its row) and never
/// with a day counted twice. Plain ADO.NET on the context's connection, one provider-specific batched statement per kind
/// of work (SQLite: 100-row statements on its own API, PostgreSQL: arrays through unnest); EF per row would be ~10× slower
/// for 20,000 keys × 90 days. SQL Server goes row by row with prepared statements (no live server here to measure).
/// </summary>
public static class UsageStore
{
    private const string Columns = """
        "Subject", "SubjectId", "WorkspaceId", "Day", "IdentityId", "Requests", "UncachedInputTokens", "CacheReadInputTokens",
        "CacheCreationInputTokens", "OutputTokens", "WebSearchRequests", "Sessions", "LinesAdded", "LinesRemoved", "Commits", "PullRequests"
        """;

    private const string UpdateAll = """
        "IdentityId" = excluded."IdentityId", "Requests" = excluded."Requests", "UncachedInputTokens" = excluded."UncachedInputTokens",
        "CacheReadInputTokens" = excluded."CacheReadInputTokens", "CacheCreationInputTokens" = excluded."CacheCreationInputTokens",
        "OutputTokens" = excluded."OutputTokens", "WebSearchRequests" = excluded."WebSearchRequests", "Sessions" = excluded."Sessions",
        "LinesAdded" = excluded."LinesAdded", "LinesRemoved" = excluded."LinesRemoved", "Commits" = excluded."Commits", "PullRequests" = excluded."PullRequests"
        """;

    /// <summary>Replaces <paramref name="day"/>'s rows of <paramref name="subjects"/> by <paramref name="rows"/> (each of that day, each key once).</summary>
    public static Task ReplaceDayAsync(ReviewPortalDbContext db, DateOnly day, IReadOnlyCollection<UsageSubject> subjects,
        IReadOnlyList<UsageRollup> rows, CancellationToken cancellationToken) =>
        ReplaceAsync(db, new Replaced(day, day, subjects, SubjectId: null), rows, cancellationToken);

    /// <summary>
    /// Replaces one subject's rows (a key's, or a member's in every workspace) from <paramref name="from"/> to
    /// <paramref name="to"/> by <paramref name="rows"/>, which are all of that subject: the other subjects' rows stay.
    /// </summary>
    public static Task ReplaceSubjectAsync(ReviewPortalDbContext db, UsageSubject subject, string subjectId, DateOnly from, DateOnly to,
        IReadOnlyList<UsageRollup> rows, CancellationToken cancellationToken) =>
        ReplaceAsync(db, new Replaced(from, to, [subject], subjectId), rows, cancellationToken);

    /// <summary>What a write replaces: the days from <see cref="From"/> to <see cref="To"/> of <see cref="Subjects"/>, of one subject id or all.</summary>
    private sealed record Replaced(DateOnly From, DateOnly To, IReadOnlyCollection<UsageSubject> Subjects, string? SubjectId)
    {
        public string Where(DatabaseProvider provider)
        {
            var subjects = string.Join(", ", Subjects.Select(s => ((int)s).ToString(CultureInfo.InvariantCulture)));
            var where = provider == DatabaseProvider.SqlServer
                ? $"Day >= @from AND Day <= @to AND Subject IN ({subjects})"
                : $"\"Day\" >= @from AND \"Day\" <= @to AND \"Subject\" IN ({subjects})";
            return SubjectId is null ? where : where + (provider == DatabaseProvider.SqlServer ? " AND SubjectId = @subjectId" : " AND \"SubjectId\" = @subjectId");
        }
    }

    private static async Task ReplaceAsync(ReviewPortalDbContext db, Replaced replaced, IReadOnlyList<UsageRollup> rows,
        CancellationToken cancellationToken)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("UsageStore needs an open transaction on the context.");
        var connection = db.Database.GetDbConnection();
        switch (connection)
        {
            case SqliteConnection sqlite:
                await DeleteAsync(db, connection, transaction, replaced, cancellationToken);
                SqliteRows.Execute(sqlite, $"INSERT INTO \"UsageRollups\" ({Columns})", 16,
                    $"ON CONFLICT (\"Subject\", \"SubjectId\", \"WorkspaceId\", \"Day\") DO UPDATE SET {UpdateAll}", rows, static (s, p, r) =>
                    {
                        SqliteRows.Int64(s, p, (int)r.Subject);
                        SqliteRows.Text(s, p + 1, r.SubjectId);
                        SqliteRows.Text(s, p + 2, r.WorkspaceId);
                        SqliteRows.Text(s, p + 3, r.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                        SqliteRows.Int64(s, p + 4, r.IdentityId);
                        SqliteRows.Int64(s, p + 5, r.Requests);
                        SqliteRows.Int64(s, p + 6, r.UncachedInputTokens);
                        SqliteRows.Int64(s, p + 7, r.CacheReadInputTokens);
                        SqliteRows.Int64(s, p + 8, r.CacheCreationInputTokens);
                        SqliteRows.Int64(s, p + 9, r.OutputTokens);
                        SqliteRows.Int64(s, p + 10, r.WebSearchRequests);
                        SqliteRows.Int64(s, p + 11, r.Sessions);
                        SqliteRows.Int64(s, p + 12, r.LinesAdded);
                        SqliteRows.Int64(s, p + 13, r.LinesRemoved);
                        SqliteRows.Int64(s, p + 14, r.Commits);
                        SqliteRows.Int64(s, p + 15, r.PullRequests);
                    });
                break;
            case NpgsqlConnection npgsql:
                await WritePostgresAsync(npgsql, replaced, rows, cancellationToken);
                break;
            default:
                await DeleteAsync(db, connection, transaction, replaced, cancellationToken);
                await WriteSqlServerAsync(connection, transaction, rows, cancellationToken);
                break;
        }
    }

    /// <summary>
    /// Rows written before the directory knew their subject (a key created, a member invited after the row) get the identity
    /// now: one statement over the rows still without one, at the end of each run.
    /// </summary>
    public static Task<int> ResolveIdentitiesAsync(ReviewPortalDbContext db, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(db.Provider == DatabaseProvider.SqlServer
            ? """
              UPDATE u SET IdentityId = i.Id FROM UsageRollups u JOIN Identities i ON i.ExternalId = u.SubjectId WHERE u.IdentityId IS NULL
              """
            : """
              UPDATE "UsageRollups" SET "IdentityId" = (SELECT i."Id" FROM "Identities" i WHERE i."ExternalId" = "UsageRollups"."SubjectId")
              WHERE "IdentityId" IS NULL AND EXISTS (SELECT 1 FROM "Identities" i WHERE i."ExternalId" = "UsageRollups"."SubjectId")
              """, cancellationToken);

    private static async Task DeleteAsync(ReviewPortalDbContext db, DbConnection connection, DbTransaction transaction, Replaced replaced,
        CancellationToken cancellationToken)
    {
        await using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = db.Provider == DatabaseProvider.SqlServer
            ? $"DELETE FROM UsageRollups WHERE {replaced.Where(db.Provider)}"
            : $"""DELETE FROM "UsageRollups" WHERE {replaced.Where(db.Provider)}""";
        foreach (var (name, day) in new[] { ("@from", replaced.From), ("@to", replaced.To) })
        {
            var parameter = delete.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = db.Provider == DatabaseProvider.Sqlite ? day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : day.ToDateTime(TimeOnly.MinValue);
            delete.Parameters.Add(parameter);
        }
        if (replaced.SubjectId is { } subjectId)
        {
            var parameter = delete.CreateParameter();
            parameter.ParameterName = "@subjectId";
            parameter.Value = subjectId;
            delete.Parameters.Add(parameter);
        }
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task WritePostgresAsync(NpgsqlConnection connection, Replaced replaced, IReadOnlyList<UsageRollup> rows,
        CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        var delete = new NpgsqlBatchCommand($"""DELETE FROM "UsageRollups" WHERE {replaced.Where(DatabaseProvider.Postgres)}""");
        delete.Parameters.Add(new NpgsqlParameter<DateOnly>("from", NpgsqlDbType.Date) { TypedValue = replaced.From });
        delete.Parameters.Add(new NpgsqlParameter<DateOnly>("to", NpgsqlDbType.Date) { TypedValue = replaced.To });
        if (replaced.SubjectId is { } subjectId)
        {
            delete.Parameters.Add(new NpgsqlParameter<string>("subjectId", NpgsqlDbType.Varchar) { TypedValue = subjectId });
        }
        batch.BatchCommands.Add(delete);
        if (rows.Count > 0)
        {
            var insert = new NpgsqlBatchCommand($"""
                INSERT INTO "UsageRollups" ({Columns})
                SELECT * FROM unnest(@subject, @subjectId, @workspaceId, @day, @identity, @requests, @uncached, @cacheRead, @cacheCreation,
                    @output, @webSearch, @sessions, @added, @removed, @commits, @pullRequests)
                ON CONFLICT ("Subject", "SubjectId", "WorkspaceId", "Day") DO UPDATE SET {UpdateAll}
                """);
            Array(insert, "subject", NpgsqlDbType.Integer, rows, r => (int)r.Subject);
            Array(insert, "subjectId", NpgsqlDbType.Varchar, rows, r => r.SubjectId);
            Array(insert, "workspaceId", NpgsqlDbType.Varchar, rows, r => r.WorkspaceId);
            Array(insert, "day", NpgsqlDbType.Date, rows, r => r.Day);
            Array(insert, "identity", NpgsqlDbType.Integer, rows, r => r.IdentityId);
            Array(insert, "requests", NpgsqlDbType.Bigint, rows, r => r.Requests);
            Array(insert, "uncached", NpgsqlDbType.Bigint, rows, r => r.UncachedInputTokens);
            Array(insert, "cacheRead", NpgsqlDbType.Bigint, rows, r => r.CacheReadInputTokens);
            Array(insert, "cacheCreation", NpgsqlDbType.Bigint, rows, r => r.CacheCreationInputTokens);
            Array(insert, "output", NpgsqlDbType.Bigint, rows, r => r.OutputTokens);
            Array(insert, "webSearch", NpgsqlDbType.Bigint, rows, r => r.WebSearchRequests);
            Array(insert, "sessions", NpgsqlDbType.Integer, rows, r => r.Sessions);
            Array(insert, "added", NpgsqlDbType.Integer, rows, r => r.LinesAdded);
            Array(insert, "removed", NpgsqlDbType.Integer, rows, r => r.LinesRemoved);
            Array(insert, "commits", NpgsqlDbType.Integer, rows, r => r.Commits);
            Array(insert, "pullRequests", NpgsqlDbType.Integer, rows, r => r.PullRequests);
            batch.BatchCommands.Add(insert);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Array<T>(NpgsqlBatchCommand command, string name, NpgsqlDbType type, IReadOnlyList<UsageRollup> rows, Func<UsageRollup, T> value)
    {
        var values = new T[rows.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = value(rows[i]);
        }
        command.Parameters.Add(new NpgsqlParameter<T[]>(name, NpgsqlDbType.Array | type) { TypedValue = values });
    }

    private static async Task WriteSqlServerAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<UsageRollup> rows,
        CancellationToken cancellationToken)
    {
        string[] names = ["@subject", "@subjectId", "@workspaceId", "@day", "@identity", "@requests", "@uncached", "@cacheRead", "@cacheCreation",
            "@output", "@webSearch", "@sessions", "@added", "@removed", "@commits", "@pullRequests"];
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        // The replaced rows were deleted in this transaction, so each key is inserted once.
        insert.CommandText = $"INSERT INTO UsageRollups ({Columns.Replace("\"", "", StringComparison.Ordinal)}) VALUES ({string.Join(", ", names)})";
        foreach (var name in names)
        {
            var parameter = insert.CreateParameter();
            parameter.ParameterName = name;
            insert.Parameters.Add(parameter);
        }
        foreach (var r in rows)
        {
            var p = insert.Parameters;
            p[0].Value = (int)r.Subject;
            p[1].Value = r.SubjectId;
            p[2].Value = r.WorkspaceId;
            p[3].Value = r.Day.ToDateTime(TimeOnly.MinValue);
            p[4].Value = (object?)r.IdentityId ?? DBNull.Value;
            p[5].Value = r.Requests;
            p[6].Value = r.UncachedInputTokens;
            p[7].Value = r.CacheReadInputTokens;
            p[8].Value = r.CacheCreationInputTokens;
            p[9].Value = r.OutputTokens;
            p[10].Value = r.WebSearchRequests;
            p[11].Value = r.Sessions;
            p[12].Value = r.LinesAdded;
            p[13].Value = r.LinesRemoved;
            p[14].Value = r.Commits;
            p[15].Value = r.PullRequests;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
