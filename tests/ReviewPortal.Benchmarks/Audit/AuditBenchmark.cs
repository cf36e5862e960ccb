using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Benchmarks.Support;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Audit;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Database;

namespace ReviewPortal.Benchmarks.Audit;

/// <summary>
/// Benchmark 4: the audit ledger at <c>--entries</c> entries. (a) <see cref="SearchAuditTrail"/> first page for several
/// filters; (b) the cost of appending one entry inside a decision's SaveChanges (with vs without a staged
/// <c>db.Audit(...)</c>); (c) <see cref="ExportEvidencePack"/> for a 25,000- and a 100,000-item campaign.
/// The database (<c>audit-&lt;entries&gt;-&lt;identities&gt;-&lt;items&gt;.db</c>) is built once: migrated schema,
/// <see cref="DirectoryData"/>, 30 days of synthetic rollups, the ledger chained with <see cref="AuditChain"/> and bulk
/// inserted with a prepared statement, then the two campaigns launched through the real <see cref="LaunchCampaign"/>.
/// </summary>
internal static class AuditBenchmark
{
    private const string Big = "Benchmark: all access";
    private const string Quarter = "Benchmark: five departments";

    public static string DatabaseFile(Args args)
    {
        var folder = args.String("dir", Path.Combine(Path.GetTempPath(), "reviewportal-bench"));
        return Path.Combine(folder, $"audit-{args.Long("entries", 1_000_000)}-{args.Int("identities", 50_000)}-{args.Int("items", 100_000)}.db");
    }

    public static async Task EnsureDatabaseAsync(Args args)
    {
        var file = DatabaseFile(args);
        if (File.Exists(file) && !args.Flag("rebuild"))
        {
            Progress.Say($"audit: reusing {file} ({new FileInfo(file).Length / 1e9:F2} GB)");
            await MigrateReusedAsync(file);
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var entries = args.Long("entries", 1_000_000);
        var identities = args.Int("identities", 50_000);
        var items = args.Int("items", 100_000);
        var clock = Stopwatch.StartNew();
        var building = file + ".building";
        var now = DateTimeOffset.UtcNow;
        await using (var provider = Portal.Services(building).BuildServiceProvider())
        {
            await Portal.MigrateFreshAsync(provider, building);
            await using (var connection = new SqliteConnection(Portal.ConnectionString(building)))
            {
                await connection.OpenAsync();
                Execute(connection, "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;");
                DirectoryData.InsertIdentities(connection, identities, now);
                DirectoryData.Organise(connection, identities);
                var open = DirectoryData.InsertAccess(connection, identities, items, now);
                InsertRollups(connection, identities, now);
                Progress.Say($"  directory: {identities:N0} identities, {open:N0} open grants, rollups ({clock.Elapsed.TotalSeconds:F0} s)");
                InsertLedger(connection, entries, identities, now);
                Execute(connection, "PRAGMA synchronous=FULL;");
            }

            var launch = provider.GetRequiredService<LaunchCampaign>();
            var admin = new Viewer(1, "Person 1", new HashSet<string> { Roles.Admin });
            var reviewers = Enumerable.Range(1, 60).Where(i => i % 10 != 0).Take(50).ToList();
            var definition = new CampaignDefinition
            {
                Name = Big, EntitlementKinds = Enum.GetValues<EntitlementKind>().ToList(), IdentityKinds = Enum.GetValues<IdentityKind>().ToList(),
                Reviewer = ReviewerRule.Named, NamedReviewerIds = reviewers, FallbackReviewerId = 61, DueAt = now.AddDays(300),
            };
            foreach (var d in new[] { definition, definition with { Name = Quarter, Departments = Enumerable.Range(0, 5).Select(DirectoryData.Department).ToList() } })
            {
                var started = Stopwatch.StartNew();
                var launched = await launch.HandleAsync(admin, d, "bench-build");
                Progress.Say($"  launched \"{d.Name}\": {launched.Value?.Items:N0} items in {started.Elapsed.TotalSeconds:F0} s {launched.Refusal?.Message}");
            }
        }
        await using (var connection = new SqliteConnection(Portal.ConnectionString(building)))
        {
            await connection.OpenAsync();
            Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        }
        SqliteConnection.ClearAllPools();
        File.Delete(building + "-wal");
        File.Delete(building + "-shm");
        File.Move(building, file, overwrite: true);
        Progress.Say($"audit: built in {clock.Elapsed.TotalMinutes:F1} min ({new FileInfo(file).Length / 1e9:F2} GB)");
    }

    /// <summary>
    /// Brings a file built by an older schema up to date with <see cref="DatabaseMigrator"/>, timed: a migration that
    /// touches every ledger entry (the FTS rebuild of <c>AuditTextSearch</c>) is an upgrade cost worth reporting.
    /// </summary>
    private static async Task MigrateReusedAsync(string file)
    {
        await using var provider = Portal.Services(file).BuildServiceProvider();
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var applied = await provider.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        process.Refresh();
        if (applied.Count > 0)
        {
            Progress.Say($"audit: migrated {file}: {string.Join(", ", applied)} in {clock.Elapsed.TotalSeconds:F1} s wall, " +
                         $"{(process.TotalProcessorTime - cpu).TotalSeconds:F1} CPU-s (load average {Ingest.IngestBenchmark.LoadAverage()})");
        }
    }

    /// <summary>About a third of the identities active on a third of the last 30 days (sparklines, peer medians).</summary>
    private static void InsertRollups(SqliteConnection connection, int identities, DateTimeOffset now)
    {
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO ActivityRollups (IdentityId, Day, Category, Count) VALUES (@id, @day, @category, @count)";
        var id = insert.Parameters.Add("@id", SqliteType.Integer);
        var day = insert.Parameters.Add("@day", SqliteType.Text);
        var category = insert.Parameters.Add("@category", SqliteType.Integer);
        var count = insert.Parameters.Add("@count", SqliteType.Integer);
        insert.Prepare();
        using var last = connection.CreateCommand();
        last.Transaction = transaction;
        last.CommandText = "UPDATE Identities SET LastActiveAt = @at WHERE Id = @id";
        var lastAt = last.Parameters.Add("@at", SqliteType.Integer);
        var lastId = last.Parameters.Add("@id", SqliteType.Integer);
        var random = new Random(30);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        for (var i = 1; i <= identities; i++)
        {
            if (i % 3 != 0)
            {
                continue;
            }
            var newest = 99;
            for (var d = 0; d < 30; d++)
            {
                if (random.Next(3) != 0)
                {
                    continue;
                }
                newest = Math.Min(newest, d);
                id.Value = i;
                day.Value = today.AddDays(-d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                category.Value = random.Next(4);
                count.Value = 1 + random.Next(40);
                insert.ExecuteNonQuery();
            }
            if (newest < 99)
            {
                lastId.Value = i;
                lastAt.Value = now.AddDays(-newest).AddHours(-random.Next(20)).UtcTicks;
                last.ExecuteNonQuery();
            }
        }
        transaction.Commit();
    }

    /// <summary>
    /// <paramref name="entries"/> entries of <see cref="SyntheticLedger"/>, chained from the current head, inserted with one
    /// prepared statement (secondary indexes dropped and recreated exactly as migrated).
    /// </summary>
    internal static void InsertLedger(SqliteConnection connection, long entries, int identities, DateTimeOffset now)
    {
        var clock = Stopwatch.StartNew();
        var indexes = new List<(string Name, string Sql)>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'AuditEntries' AND sql IS NOT NULL";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        foreach (var (name, _) in indexes)
        {
            Execute(connection, $"DROP INDEX \"{name}\"");
        }
        long sequence = 0;
        var hash = AuditChain.Genesis;
        using (var head = connection.CreateCommand())
        {
            head.CommandText = "SELECT Sequence, Hash FROM AuditEntries ORDER BY Sequence DESC LIMIT 1";
            using var reader = head.ExecuteReader();
            if (reader.Read())
            {
                (sequence, hash) = (reader.GetInt64(0), reader.GetString(1));
            }
        }

        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO AuditEntries (Sequence, OccurredAt, ActorId, Actor, Action, TargetType, TargetId, IdentityId, CampaignId, Before, After, CorrelationId, PreviousHash, Hash)
            VALUES (@seq, @at, @actorId, @actor, @action, @type, @target, @identity, @campaign, @before, @after, @correlation, @previous, @hash)
            """;
        string[] names = ["@seq", "@at", "@actorId", "@actor", "@action", "@type", "@target", "@identity", "@campaign", "@before", "@after", "@correlation", "@previous", "@hash"];
        var p = names.Select(n => insert.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
        SqliteTransaction? transaction = null;
        long i = 0;
        foreach (var entry in SyntheticLedger.Entries(entries, identities, now, sequence, hash))
        {
            if (i++ % 100_000 == 0)
            {
                transaction?.Commit();
                transaction?.Dispose();
                transaction = connection.BeginTransaction();
                insert.Transaction = transaction;
                if (i == 1)
                {
                    insert.Prepare();
                }
                else
                {
                    Progress.Say($"  {i - 1:N0} ledger entries ({(i - 1) / clock.Elapsed.TotalSeconds:N0}/s)");
                }
            }
            p[0].Value = entry.Sequence;
            p[1].Value = entry.OccurredAt.UtcTicks;
            p[2].Value = (object?)entry.ActorId ?? DBNull.Value;
            p[3].Value = entry.Actor;
            p[4].Value = entry.Action;
            p[5].Value = entry.TargetType;
            p[6].Value = entry.TargetId;
            p[7].Value = (object?)entry.IdentityId ?? DBNull.Value;
            p[8].Value = (object?)entry.CampaignId ?? DBNull.Value;
            p[9].Value = (object?)entry.Before ?? DBNull.Value;
            p[10].Value = (object?)entry.After ?? DBNull.Value;
            p[11].Value = entry.CorrelationId;
            p[12].Value = entry.PreviousHash;
            p[13].Value = entry.Hash;
            insert.ExecuteNonQuery();
        }
        transaction?.Commit();
        transaction?.Dispose();
        Progress.Say($"  {entries:N0} ledger entries in {clock.Elapsed.TotalSeconds:F0} s");
        foreach (var (name, sql) in indexes)
        {
            var started = Stopwatch.StartNew();
            Execute(connection, sql);
            Progress.Say($"  index {name} recreated in {started.Elapsed.TotalSeconds:F0} s");
        }
    }

    public static async Task<Dictionary<string, object?>> RunAsync(Args args)
    {
        await EnsureDatabaseAsync(args);
        var file = DatabaseFile(args);
        var samples = args.Int("samples", 20);
        var pairs = args.Int("pairs", 200);
        var services = Portal.Services(file);
        if (args.Flag("sql"))
        {
            services.AddLogging(l => l.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Information));
        }
        await using var provider = services.BuildServiceProvider();
        var contexts = provider.GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>();
        var compliance = new Viewer(2, "Person 2", new HashSet<string> { Roles.Compliance });
        var result = new Dictionary<string, object?> { ["benchmark"] = "audit" };
        int big, quarter;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            big = await db.Campaigns.Where(c => c.Name == Big).Select(c => c.Id).SingleAsync();
            quarter = await db.Campaigns.Where(c => c.Name == Quarter).Select(c => c.Id).SingleAsync();
            result["ledgerEntries"] = await db.AuditEntries.LongCountAsync();
            result["bigCampaignItems"] = await db.ReviewItems.CountAsync(i => i.CampaignId == big);
            result["quarterCampaignItems"] = await db.ReviewItems.CountAsync(i => i.CampaignId == quarter);
        }
        result["databaseGb"] = Math.Round(new FileInfo(file).Length / 1e9, 2);

        // (c) first, so each pack's peak working set is not raised by the other parts: the smaller campaign, then the bigger.
        var export = provider.GetRequiredService<ExportEvidencePack>();
        using var process = Process.GetCurrentProcess();
        foreach (var (name, id) in new[] { ("pack25k", quarter), ("pack100k", big) })
        {
            var path = Path.Combine(Path.GetDirectoryName(file)!, $"evidence-{id}-{Environment.ProcessId}.zip");
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes();
            var clock = Stopwatch.StartNew();
            await using (var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var manifest = (await export.WriteAsync(compliance, id, output, $"bench-{name}")).Value ?? throw new InvalidOperationException("No pack.");
            }
            clock.Stop();
            process.Refresh();
            result[$"{name}Seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2);
            result[$"{name}CpuSeconds"] = Math.Round((process.TotalProcessorTime - cpu).TotalSeconds, 2);
            result[$"{name}PeakWorkingSetMb"] = Machine.PeakWorkingSetMb();
            result[$"{name}AllocatedMb"] = Math.Round((GC.GetTotalAllocatedBytes() - allocated) / 1e6);
            result[$"{name}ZipMb"] = Math.Round(new FileInfo(path).Length / 1e6, 1);
            Progress.Say($"audit: {name} in {clock.Elapsed.TotalSeconds:F1} s (CPU {result[$"{name}CpuSeconds"]} s), peak {result[$"{name}PeakWorkingSetMb"]} MB, zip {result[$"{name}ZipMb"]} MB");
            File.Delete(path);
        }

        // (a) Search, first page of 50, per filter.
        var search = provider.GetRequiredService<SearchAuditTrail>();
        DateTimeOffset newest;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            newest = await db.AuditEntries.OrderByDescending(e => e.Sequence).Select(e => e.OccurredAt).FirstAsync();
        }
        var filters = new (string Name, SearchAuditTrail.Filter Filter)[]
        {
            ("none", new SearchAuditTrail.Filter()),
            ("identity", new SearchAuditTrail.Filter { IdentityId = 12345 }),
            ("actionPrefix", new SearchAuditTrail.Filter { Action = "review.reassigned" }),
            ("actionPrefixRare", new SearchAuditTrail.Filter { Action = "campaign." }),
            ("campaign", new SearchAuditTrail.Filter { CampaignId = 7 }),
            ("dateRange", new SearchAuditTrail.Filter { From = newest.AddDays(-200), To = newest.AddDays(-193) }),
            ("text", new SearchAuditTrail.Filter { Text = "Workspace 17 admin" }),
            ("textNoMatch", new SearchAuditTrail.Filter { Text = "no-such-entitlement" }),
            // ≈ 14 % of entries: with an index, a common phrase costs in proportion to its matches.
            ("textCommon", new SearchAuditTrail.Filter { Text = "quarterly close" }),
            ("textShort", new SearchAuditTrail.Filter { Text = "17" }),
            // A common phrase inside the same 7-day window as dateRange: the window becomes a Sequence range of the text index.
            ("textCommonDateRange", new SearchAuditTrail.Filter { Text = "quarterly close", From = newest.AddDays(-200), To = newest.AddDays(-193) }),
        };
        var allP95 = new List<double>();
        foreach (var (name, filter) in filters)
        {
            var page = (await search.HandleAsync(compliance, filter, 0, 50)).Value; // warm-up (query compilation)
            var wall = new List<double>(samples);
            var cpu = new List<double>(samples);
            for (var i = 0; i < samples; i++)
            {
                var thread = Environment.CurrentManagedThreadId;
                var cpuStart = ThreadCpu.NowMs();
                var start = Stopwatch.GetTimestamp();
                page = (await search.HandleAsync(compliance, filter, 0, 50)).Value;
                wall.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (Environment.CurrentManagedThreadId == thread)
                {
                    cpu.Add(ThreadCpu.NowMs() - cpuStart);
                }
            }
            result[$"search_{name}_rows"] = page!.Rows.Count;
            result[$"search_{name}_p50Ms"] = Math.Round(Stats.Percentile(wall, 50), 2);
            result[$"search_{name}_p95Ms"] = Math.Round(Stats.Percentile(wall, 95), 2);
            result[$"search_{name}_cpuP50Ms"] = cpu.Count > 0 ? Math.Round(Stats.Percentile(cpu, 50), 2) : null;
            result[$"search_{name}_cpuP95Ms"] = cpu.Count > 0 ? Math.Round(Stats.Percentile(cpu, 95), 2) : null;
            allP95.Add(Stats.Percentile(wall, 95));
            Progress.Say($"audit: search {name}: {page.Rows.Count} rows, p50 {Stats.Percentile(wall, 50):F1} ms, p95 {Stats.Percentile(wall, 95):F1} ms, " +
                         $"CPU p50 {(cpu.Count > 0 ? Stats.Percentile(cpu, 50) : double.NaN):F1} ms");
        }
        result["searchWorstP95Ms"] = Math.Round(allP95.Max(), 2);

        // (b) A decision's SaveChanges with vs without a staged audit entry, alternating, one undecided item each.
        List<long> undecided;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            undecided = await db.ReviewItems.Where(i => i.CampaignId == quarter && i.Outcome == null).OrderBy(i => i.Id)
                .Select(i => i.Id).Take(2 * pairs + 20).ToListAsync();
        }
        var with = new List<double>();
        var without = new List<double>();
        var withCpu = new List<double>();
        var withoutCpu = new List<double>();
        var next = 0;
        async Task Decide(bool audited, bool record)
        {
            await using var db = await contexts.CreateDbContextAsync();
            var itemId = undecided[next++];
            var item = await db.ReviewItems.FirstAsync(i => i.Id == itemId);
            var now = DateTimeOffset.UtcNow;
            var before = new { item.Outcome, item.ReviewerId, item.Justification };
            item.Outcome = DecisionOutcome.Keep;
            item.Justification = "Still needed for the quarterly close.";
            item.DecidedById = item.ReviewerId;
            item.DecidedAt = now;
            item.Version++;
            db.ReviewDecisions.Add(new ReviewDecision
            {
                ReviewItemId = item.Id, Outcome = DecisionOutcome.Keep, Justification = item.Justification, DecidedById = item.ReviewerId,
                DecidedAt = now, EvidenceHash = item.EvidenceHash,
            });
            if (audited)
            {
                db.Audit(new AuditActor(item.ReviewerId, $"Person {item.ReviewerId}", now, "bench-append"), "review.decided", item, before,
                    new { item.Outcome, item.Justification, item.EvidenceHash, item.Recommendation, reducedTo = (int?)null }, item.IdentityId, item.CampaignId);
            }
            var thread = Environment.CurrentManagedThreadId;
            var cpuStart = ThreadCpu.NowMs();
            var start = Stopwatch.GetTimestamp();
            await db.SaveChangesAsync();
            var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var cpu = Environment.CurrentManagedThreadId == thread ? ThreadCpu.NowMs() - cpuStart : double.NaN;
            if (record)
            {
                (audited ? with : without).Add(ms);
                if (!double.IsNaN(cpu))
                {
                    (audited ? withCpu : withoutCpu).Add(cpu);
                }
            }
        }
        for (var i = 0; i < 10; i++)
        {
            await Decide(i % 2 == 0, record: false);
        }
        for (var i = 0; i < pairs; i++)
        {
            var first = i % 2 == 0;
            await Decide(first, record: true);
            await Decide(!first, record: true);
        }
        result["appendPairs"] = pairs;
        result["appendWithMedianMs"] = Math.Round(Stats.Median(with), 3);
        result["appendWithoutMedianMs"] = Math.Round(Stats.Median(without), 3);
        result["appendAddedMs"] = Math.Round(Stats.Median(with) - Stats.Median(without), 3);
        result["appendWithCpuMedianMs"] = withCpu.Count > 0 ? Math.Round(Stats.Median(withCpu), 3) : null;
        result["appendWithoutCpuMedianMs"] = withoutCpu.Count > 0 ? Math.Round(Stats.Median(withoutCpu), 3) : null;
        result["appendAddedCpuMs"] = withCpu.Count > 0 && withoutCpu.Count > 0 ? Math.Round(Stats.Median(withCpu) - Stats.Median(withoutCpu), 3) : null;
        Progress.Say($"audit: decision SaveChanges median {result["appendWithMedianMs"]} ms with audit, {result["appendWithoutMedianMs"]} ms without " +
                     $"(added {result["appendAddedMs"]} ms; CPU added {result["appendAddedCpuMs"]} ms)");
        result["peakWorkingSetMb"] = Machine.PeakWorkingSetMb();
        result["loadAverage"] = Ingest.IngestBenchmark.LoadAverage();
        return result;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        command.ExecuteNonQuery();
    }
}
