using Microsoft.Data.Sqlite;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Benchmarks.Support;

/// <summary>
/// The evidence the usage ingestion and the feed's workspace rollups would have written for the campaign database
/// (issue #16): 90 days of Messages usage for every API key (on ~70 % of days), 90 days of usage by each workspace role
/// holder in that workspace (~40 % of days), and 30 days of feed events carrying the workspace (~20 % of days). Seeded
/// once: a database that has usage rows keeps them.
/// </summary>
internal static class UsageData
{
    public static (int Usage, int Workspace) Insert(SqliteConnection connection, DateTimeOffset now)
    {
        using (var check = connection.CreateCommand())
        {
            check.CommandText = "SELECT EXISTS (SELECT 1 FROM UsageRollups)";
            if ((long)check.ExecuteScalar()! == 1)
            {
                return (0, 0);
            }
        }
        var keys = new List<(int Id, string ExternalId)>();
        var holders = new List<(int Id, string ExternalId, string Workspace)>();
        using (var read = connection.CreateCommand())
        {
            read.CommandText = $"SELECT Id, ExternalId FROM Identities WHERE Kind = {(int)IdentityKind.ApiKey}";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                keys.Add((reader.GetInt32(0), reader.GetString(1)));
            }
        }
        using (var read = connection.CreateCommand())
        {
            read.CommandText = $"""
                SELECT DISTINCT g.IdentityId, i.ExternalId, r.ExternalId FROM Grants g JOIN Identities i ON i.Id = g.IdentityId
                JOIN Entitlements e ON e.Id = g.EntitlementId JOIN Resources r ON r.Id = e.ResourceId
                WHERE g.EndedAt IS NULL AND e.Kind = {(int)EntitlementKind.WorkspaceRole}
                """;
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                holders.Add((reader.GetInt32(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var random = new Random(16);
        using var transaction = connection.BeginTransaction();
        using var usage = connection.CreateCommand();
        usage.Transaction = transaction;
        usage.CommandText = """
            INSERT INTO UsageRollups (Subject, SubjectId, WorkspaceId, Day, IdentityId, Requests, UncachedInputTokens, CacheReadInputTokens,
                CacheCreationInputTokens, OutputTokens, WebSearchRequests, Sessions, LinesAdded, LinesRemoved, Commits, PullRequests)
            VALUES (@subject, @subjectId, @workspace, @day, @identity, @requests, @input, @cacheRead, 0, @output, 0, 0, 0, 0, 0, 0)
            """;
        var subject = usage.Parameters.Add("@subject", SqliteType.Integer);
        var subjectId = usage.Parameters.Add("@subjectId", SqliteType.Text);
        var workspace = usage.Parameters.Add("@workspace", SqliteType.Text);
        var day = usage.Parameters.Add("@day", SqliteType.Text);
        var identity = usage.Parameters.Add("@identity", SqliteType.Integer);
        var requests = usage.Parameters.Add("@requests", SqliteType.Integer);
        var input = usage.Parameters.Add("@input", SqliteType.Integer);
        var cacheRead = usage.Parameters.Add("@cacheRead", SqliteType.Integer);
        var output = usage.Parameters.Add("@output", SqliteType.Integer);
        usage.Prepare();
        var rows = 0;
        void Row(UsageSubject s, int id, string external, string ws, int daysAgo, long tokens)
        {
            subject.Value = (int)s;
            subjectId.Value = external;
            workspace.Value = ws;
            day.Value = today.AddDays(-daysAgo).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            identity.Value = id;
            requests.Value = 1 + tokens / 4_000;
            input.Value = tokens / 2;
            cacheRead.Value = tokens / 4;
            output.Value = tokens - tokens / 2 - tokens / 4;
            usage.ExecuteNonQuery();
            rows++;
        }
        foreach (var (id, external) in keys)
        {
            var scale = random.Next(1_000, 2_000_000);
            for (var d = 0; d < 90; d++)
            {
                if (random.NextDouble() < 0.7)
                {
                    Row(UsageSubject.ApiKey, id, external, "", d, scale + random.Next(scale));
                }
            }
        }

        using var feed = connection.CreateCommand();
        feed.Transaction = transaction;
        feed.CommandText = """
            INSERT INTO WorkspaceActivityRollups (IdentityId, WorkspaceId, Day, Category, Count) VALUES (@identity, @workspace, @day, @category, @count)
            ON CONFLICT DO NOTHING
            """;
        var fIdentity = feed.Parameters.Add("@identity", SqliteType.Integer);
        var fWorkspace = feed.Parameters.Add("@workspace", SqliteType.Text);
        var fDay = feed.Parameters.Add("@day", SqliteType.Text);
        var fCategory = feed.Parameters.Add("@category", SqliteType.Integer);
        var fCount = feed.Parameters.Add("@count", SqliteType.Integer);
        feed.Prepare();
        var workspaceRows = 0;
        foreach (var (id, external, ws) in holders)
        {
            var scale = random.Next(1_000, 200_000);
            for (var d = 0; d < 90; d++)
            {
                if (random.NextDouble() < 0.4)
                {
                    Row(UsageSubject.Account, id, external, ws, d, scale + random.Next(scale));
                }
                if (d < 30 && random.NextDouble() < 0.2)
                {
                    fIdentity.Value = id;
                    fWorkspace.Value = ws;
                    fDay.Value = today.AddDays(-d).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                    fCategory.Value = (int)(random.NextDouble() < 0.1 ? ActivityCategory.AdminChange : ActivityCategory.Platform);
                    fCount.Value = 1 + random.Next(20);
                    workspaceRows += feed.ExecuteNonQuery();
                }
            }
        }
        transaction.Commit();
        return (rows, workspaceRows);
    }
}
