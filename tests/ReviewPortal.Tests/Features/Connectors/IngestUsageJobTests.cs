using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Claude;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;
using static ReviewPortal.Tests.Claude.FakeClaudeApi;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// The usage ingestion in Live mode against the HTTP fake (never the simulation), through the real client pipeline: the
/// first run backfills five days in pages of two rows, the stored rows equal the fake's totals exactly; a second run reads
/// the last three days again and changes nothing; late data replaces a day's rows (never adds); a 429's retry-after is
/// waited out on the portal's clock; an expired Analytics cursor (410) reads the day again from its first page; a key the
/// directory does not know is stored without an identity and resolved by a later run; a 400 from the Analytics API
/// (HIPAA-ready organization) falls back to the legacy usage report with the same token totals.
/// </summary>
public sealed class IngestUsageJobTests : IAsyncLifetime
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(PortalAppFactory.Now.UtcDateTime);
    private FakeApiPortalFactory _portal = null!;
    private readonly Dictionary<string, int> _identities = [];

    public async Task InitializeAsync()
    {
        _portal = await FakeApiPortalFactory.StartAsync(new Dictionary<string, string?>
        {
            ["Ingestion:UsagePageSize"] = "2",
            ["Ingestion:UsageBackfillDays"] = "5",
            ["Ingestion:UsageRereadDays"] = "3",
        });
        await using var db = await _portal.CreateDbContextAsync();
        Identity[] known =
        [
            new() { ExternalId = "apikey_prod", DisplayName = "prod-inference", Kind = IdentityKind.ApiKey, CreatedAt = PortalAppFactory.Now.AddYears(-1) },
            new() { ExternalId = "apikey_batch", DisplayName = "batch-jobs", Kind = IdentityKind.ApiKey, CreatedAt = PortalAppFactory.Now.AddYears(-1) },
            new() { ExternalId = "user_ann", DisplayName = "Ann", Email = "ann@northwind.example", Kind = IdentityKind.Person, CreatedAt = PortalAppFactory.Now.AddYears(-1) },
            new() { ExternalId = "svac_etl", DisplayName = "etl", Kind = IdentityKind.ServiceAccount, CreatedAt = PortalAppFactory.Now.AddYears(-1) },
        ];
        db.Identities.AddRange(known);
        await db.SaveChangesAsync();
        foreach (var identity in known)
        {
            _identities[identity.ExternalId] = identity.Id;
        }

        for (var back = 0; back < 5; back++)
        {
            var day = Today.AddDays(-back);
            var api = _portal.Api;
            // Three keys a day (two pages of two rows with the next page's cursor); apikey_ghost is unknown to the directory.
            api.Usage.Add(new FakeUsage(day, "apikey_prod", "api_actor", "apikey_prod", "wrkspc_prod", 1000 + back, 200 + back, CacheRead: 50, Cache5m: 7, Cache1h: 3, Requests: 40, WebSearch: 2));
            api.Usage.Add(new FakeUsage(day, "apikey_batch", "api_actor", "apikey_batch", "wrkspc_prod", 300, 30, Requests: 5));
            api.Usage.Add(new FakeUsage(day, "apikey_ghost", "api_actor", "apikey_ghost", null, 10 * (back + 1), 1, Requests: 1));
            // Members and a service account in a workspace and in the default one (no workspace id).
            api.Usage.Add(new FakeUsage(day, null, "user_actor", "user_ann", "wrkspc_prod", 500, 60, Requests: 9));
            api.Usage.Add(new FakeUsage(day, null, "user_actor", "user_ann", null, 70, 8, Requests: 2));
            api.Usage.Add(new FakeUsage(day, null, "service_account_actor", "svac_etl", "wrkspc_prod", 900, 90, Requests: 12));
            api.ClaudeCode.Add(new FakeClaudeCode(day, "user_actor", "ann@northwind.example", 3, 120, 40, 2, 1, 4000, 800, 100, 50));
            api.ClaudeCode.Add(new FakeClaudeCode(day, "api_actor", "batch-jobs", 1, 10, 0, 0, 0, 400, 80, 0, 0));
            api.ClaudeCode.Add(new FakeClaudeCode(day, "user_actor", "stranger@elsewhere.example", 1, 1, 1, 1, 1, 1, 1, 1, 1));
        }
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private IngestUsageJob Job => _portal.GetRequiredService<IngestUsageJob>();

    [Fact]
    public async Task FirstRun_BackfillsFiveDaysInPages_StoredRowsEqualTheFakesTotalsExactly()
    {
        var run = await Job.RunAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        var rows = await RowsAsync();
        Assert.Equal(Expected(), rows.Select(Key).ToList());
        Assert.Equal(_portal.Api.Usage.Where(u => u.ApiKeyId is not null).Sum(u => u.Input + u.Output + u.CacheRead + u.Cache5m + u.Cache1h),
            rows.Where(r => r.Subject == UsageSubject.ApiKey).Sum(r => r.TotalTokens));
        Assert.Equal(_portal.Api.Usage.Where(u => u.ActorType != "api_actor").Sum(u => u.Requests),
            rows.Where(r => r.Subject == UsageSubject.Account).Sum(r => r.Requests));
        Assert.Equal(5 * 3, rows.Where(r => r.Subject == UsageSubject.ClaudeCode && r.SubjectId == "user_ann").Sum(r => r.Sessions));
        var prod = rows.Single(r => r.Subject == UsageSubject.ApiKey && r.SubjectId == "apikey_prod" && r.Day == Today.AddDays(-2));
        Assert.Equal((1002L, 202L, 50L, 10L, 40L, 2L, _identities["apikey_prod"]),
            (prod.UncachedInputTokens, prod.OutputTokens, prod.CacheReadInputTokens, prod.CacheCreationInputTokens, prod.Requests, prod.WebSearchRequests, prod.IdentityId!.Value));
        Assert.Null(rows.First(r => r.SubjectId == "apikey_ghost").IdentityId);
        var code = rows.Single(r => r.Subject == UsageSubject.ClaudeCode && r.SubjectId == "apikey_batch" && r.Day == Today);
        Assert.Equal((1, 10, 400L, 80L), (code.Sessions, code.LinesAdded, code.UncachedInputTokens, code.OutputTokens));

        var analytics = _portal.Api.Requests.Where(r => r.Path == "/v1/organizations/analytics/usage").ToList();
        Assert.All(analytics, r => Assert.Equal(AnalyticsBeta, r.Beta));
        Assert.Contains(analytics, r => r.Query.Contains("page=2", StringComparison.Ordinal));
        Assert.Contains(analytics, r => r.Query.Contains("time_bucket_width=1d", StringComparison.Ordinal));
        Assert.Equal(5, _portal.Api.Requests.Count(r => r.Path == "/v1/organizations/usage_report/claude_code" && !r.Query.Contains("page=", StringComparison.Ordinal)));
        Assert.Equal(Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), await CursorAsync());
        Assert.Equal(rows.Count, run.Stored);
        Assert.Contains("\"unresolvedClaudeCode\":5", run.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondRun_RereadsTheLastThreeDays_SameRows_LateDataReplacesNeverAdds()
    {
        await Job.RunAsync();
        var first = (await RowsAsync()).Select(Key).ToList();
        var before = _portal.Api.Requests.Count;

        var again = await Job.RunAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, again.Status);
        Assert.Equal(first, (await RowsAsync()).Select(Key).ToList());
        var reread = _portal.Api.Requests.Skip(before).Where(r => r.Path == "/v1/organizations/analytics/usage")
            .Select(r => Regex.Match(Uri.UnescapeDataString(r.Query), "starting_at=([0-9-]{10})").Groups[1].Value).Distinct().Order().ToList();
        Assert.Equal([.. Enumerable.Range(0, 3).Select(i => Today.AddDays(i - 2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))], reread);

        // Late data: the day before yesterday grows for one key; another key's usage that day is revised away.
        var late = Today.AddDays(-2);
        _portal.Api.Usage.Add(new FakeUsage(late, "apikey_prod", "api_actor", "apikey_prod", "wrkspc_prod", 5, 5, Requests: 1));
        _portal.Api.Usage.RemoveAll(u => u.Day == late && u.ApiKeyId == "apikey_batch");

        await Job.RunAsync();

        var rows = await RowsAsync();
        var prod = rows.Single(r => r.Subject == UsageSubject.ApiKey && r.SubjectId == "apikey_prod" && r.Day == late);
        Assert.Equal((1007L, 207L, 41L), (prod.UncachedInputTokens, prod.OutputTokens, prod.Requests));
        Assert.DoesNotContain(rows, r => r.Subject == UsageSubject.ApiKey && r.SubjectId == "apikey_batch" && r.Day == late);
        Assert.Equal(Expected(), rows.Select(Key).ToList());
    }

    [Fact]
    public async Task RateLimitedWithRetryAfter_WaitsThatLongOnTheClock_ThenSucceedsWithExactTotals()
    {
        _portal.Api.Enqueue("/v1/organizations/analytics/usage", FakeFault.RateLimited("30"));
        var started = _portal.Time.GetUtcNow();
        var run = Job.RunAsync();

        var limited = await _portal.Api.NextArrivalAsync();
        Assert.Equal("/v1/organizations/analytics/usage", limited.Path);
        // The retry waits on the portal's fake clock: move it in small steps until the retry arrives.
        var retried = _portal.Api.NextArrivalAsync();
        while (!retried.IsCompleted)
        {
            _portal.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(retried, Task.Delay(5));
        }
        Assert.Equal((limited.Path, limited.Query), ((await retried).Path, (await retried).Query));
        Assert.True(_portal.Time.GetUtcNow() - started >= TimeSpan.FromSeconds(30), $"retried after {_portal.Time.GetUtcNow() - started}");

        Assert.Equal(IngestionRunStatus.Succeeded, (await run).Status);
        Assert.Equal(Expected(), (await RowsAsync()).Select(Key).ToList());
    }

    [Fact]
    public async Task AnalyticsCursorExpired410_ReadsTheQueryAgainFromItsFirstPage_NothingCountedTwice()
    {
        // The first page is served, its cursor then expires (a data refresh upstream).
        _portal.Api.Enqueue("/v1/organizations/analytics/usage", FakeFault.Answer,
            FakeFault.Status(410, "invalid_request_error", "The page cursor has expired; start again from the first page."));

        var run = await Job.RunAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        var firstThree = _portal.Api.Requests.Where(r => r.Path == "/v1/organizations/analytics/usage").Take(3).Select(r => r.Query.Contains("page=", StringComparison.Ordinal)).ToList();
        Assert.Equal([false, true, false], firstThree);
        Assert.Equal(Expected(), (await RowsAsync()).Select(Key).ToList());
        Assert.Contains("\"restarts\":1", run.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyUnknownToTheDirectory_StoredWithoutIdentity_ResolvedByALaterRun()
    {
        await Job.RunAsync();
        var oldest = Today.AddDays(-4);
        Assert.All((await RowsAsync()).Where(r => r.SubjectId == "apikey_ghost"), r => Assert.Null(r.IdentityId));

        // A directory sync learns the key; the next run re-reads only the last three days, and resolves the older rows too.
        int ghost;
        await using (var db = await _portal.CreateDbContextAsync())
        {
            var identity = new Identity { ExternalId = "apikey_ghost", DisplayName = "ghost", Kind = IdentityKind.ApiKey, CreatedAt = PortalAppFactory.Now };
            db.Identities.Add(identity);
            await db.SaveChangesAsync();
            ghost = identity.Id;
        }
        var run = await Job.RunAsync();

        var ghostRows = (await RowsAsync()).Where(r => r.SubjectId == "apikey_ghost").ToList();
        Assert.Equal(5, ghostRows.Count);
        Assert.All(ghostRows, r => Assert.Equal(ghost, r.IdentityId));
        Assert.Contains(ghostRows, r => r.Day == oldest);
        Assert.Contains("\"resolvedLater\":2", run.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnalyticsRefused400_ReadsTheLegacyReport_SameTokensWithoutRequestCounts()
    {
        _portal.Api.Enqueue("/v1/organizations/analytics/usage",
            FakeFault.Status(400, "invalid_request_error", "Usage analytics is not available for organizations with HIPAA readiness enabled."));

        var run = await Job.RunAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        Assert.Single(_portal.Api.Requests, r => r.Path == "/v1/organizations/analytics/usage");
        Assert.Contains(_portal.Api.Requests, r => r.Path == "/v1/organizations/usage_report/messages");
        Assert.Equal(Expected().Select(e => e with { Requests = 0 }).ToList(), (await RowsAsync()).Select(Key).Select(k => k with { Requests = 0 }).ToList());
        Assert.All((await RowsAsync()).Where(r => r.Subject != UsageSubject.ClaudeCode), r => Assert.Equal(0, r.Requests));
        Assert.Contains("HIPAA", run.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RereadOneMember_FilteredByActorId_ReplacesOnlyTheirRowsInEveryWorkspace_OthersAndTheCursorUntouched()
    {
        Assert.Equal(IngestionRunStatus.Succeeded, (await Job.RunAsync()).Status);
        var cursor = await CursorAsync();
        // Upstream revises Ann's day in the default workspace and adds a new one; the service account is revised too.
        var api = _portal.Api;
        api.Usage.RemoveAll(u => u.ActorId is "user_ann" or "svac_etl" && u.Day == Today);
        api.Usage.Add(new FakeUsage(Today, null, "user_actor", "user_ann", null, 7_000, 800, Requests: 20));
        api.Usage.Add(new FakeUsage(Today.AddDays(-9), null, "user_actor", "user_ann", "wrkspc_prod", 100, 10, Requests: 1));
        api.Usage.Add(new FakeUsage(Today, null, "service_account_actor", "svac_etl", "wrkspc_prod", 1, 1, Requests: 1));
        var othersBefore = (await RowsAsync()).Where(r => r.SubjectId != "user_ann").Select(Key).ToList();
        var before = api.Requests.Count;

        Assert.True(await Job.RereadAsync(UsageSubject.Account, "user_ann", 30));

        var requests = api.Requests.Skip(before).ToList();
        // Ann's 10 rows over 30 days (two workspaces on four days, one on two) in pages of 2: five pages of one filtered query.
        Assert.Equal(5, requests.Count);
        Assert.All(requests, r =>
        {
            Assert.Equal("/v1/organizations/analytics/usage", r.Path);
            Assert.Contains("actor_ids[]=user_ann", Uri.UnescapeDataString(r.Query), StringComparison.Ordinal);
        });
        var ann = (await RowsAsync()).Where(r => r.SubjectId == "user_ann").Select(Key).ToList();
        Assert.Equal(Expected().Where(e => e.SubjectId == "user_ann" && e.Subject == UsageSubject.Account).ToList(),
            ann.Where(k => k.Subject == UsageSubject.Account).ToList());
        Assert.Contains(ann, k => k.Day == Today.AddDays(-9));
        // Her Claude Code rows (no per-actor filter there), the service account's stale row, the keys and the cursor stay.
        Assert.Equal(othersBefore, (await RowsAsync()).Where(r => r.SubjectId != "user_ann").Select(Key).ToList());
        Assert.Equal(5, ann.Count(k => k.Subject == UsageSubject.ClaudeCode));
        Assert.Equal(cursor, await CursorAsync());
    }

    [Fact]
    public async Task RereadOneServiceAccount_AnalyticsRefused_LegacyReportFilteredByServiceAccount_TheirRowsReplaced()
    {
        Assert.Equal(IngestionRunStatus.Succeeded, (await Job.RunAsync()).Status);
        var api = _portal.Api;
        api.Usage.RemoveAll(u => u.ActorId == "svac_etl" && u.Day == Today.AddDays(-1));
        api.Usage.Add(new FakeUsage(Today.AddDays(-20), null, "service_account_actor", "svac_etl", "wrkspc_prod", 50, 5, Requests: 1));
        api.Enqueue("/v1/organizations/analytics/usage",
            FakeFault.Status(400, "invalid_request_error", "Usage analytics is not available for organizations with HIPAA readiness enabled."));
        var before = api.Requests.Count;

        Assert.True(await Job.RereadAsync(UsageSubject.Account, "svac_etl", 30));

        var legacy = Assert.Single(api.Requests.Skip(before), r => r.Path == "/v1/organizations/usage_report/messages");
        var query = Uri.UnescapeDataString(legacy.Query);
        Assert.Contains("service_account_ids[]=svac_etl", query, StringComparison.Ordinal);
        Assert.DoesNotContain("&account_ids[]", query, StringComparison.Ordinal);
        Assert.Contains("limit=30", query, StringComparison.Ordinal);
        Assert.Equal(Expected().Where(e => e.SubjectId == "svac_etl").Select(e => e with { Requests = 0 }).ToList(),
            (await RowsAsync()).Where(r => r.SubjectId == "svac_etl").Select(Key).Select(k => k with { Requests = 0 }).ToList());
    }

    private sealed record RowKey(UsageSubject Subject, string SubjectId, string WorkspaceId, DateOnly Day, long Tokens, long Requests, int Sessions);

    private static RowKey Key(UsageRollup r) => new(r.Subject, r.SubjectId, r.WorkspaceId, r.Day, r.TotalTokens, r.Requests, r.Sessions);

    /// <summary>The rows the fake's current data should give, computed from it independently of the job.</summary>
    private List<RowKey> Expected()
    {
        var api = _portal.Api;
        var keys = api.Usage.Where(u => u.ApiKeyId is not null).GroupBy(u => (u.ApiKeyId!, u.Day))
            .Select(g => new RowKey(UsageSubject.ApiKey, g.Key.Item1, "", g.Key.Day, g.Sum(u => u.Input + u.Output + u.CacheRead + u.Cache5m + u.Cache1h), g.Sum(u => u.Requests), 0));
        var accounts = api.Usage.Where(u => u.ActorType is "user_actor" or "service_account_actor").GroupBy(u => (u.ActorId, u.WorkspaceId ?? "", u.Day))
            .Select(g => new RowKey(UsageSubject.Account, g.Key.ActorId, g.Key.Item2, g.Key.Day, g.Sum(u => u.Input + u.Output + u.CacheRead + u.Cache5m + u.Cache1h), g.Sum(u => u.Requests), 0));
        var directory = new Dictionary<string, string> { ["ann@northwind.example"] = "user_ann", ["batch-jobs"] = "apikey_batch" };
        var code = api.ClaudeCode.Where(c => directory.ContainsKey(c.Who)).GroupBy(c => (directory[c.Who], c.Day))
            .Select(g => new RowKey(UsageSubject.ClaudeCode, g.Key.Item1, "", g.Key.Day, g.Sum(c => c.Input + c.Output + c.CacheRead + c.CacheCreation), 0, g.Sum(c => c.Sessions)));
        return [.. keys.Concat(accounts).Concat(code).Order(Comparer)];
    }

    private static readonly Comparer<RowKey> Comparer = Comparer<RowKey>.Create((a, b) =>
    {
        var c = a.Subject.CompareTo(b.Subject);
        c = c != 0 ? c : string.CompareOrdinal(a.SubjectId, b.SubjectId);
        c = c != 0 ? c : string.CompareOrdinal(a.WorkspaceId, b.WorkspaceId);
        return c != 0 ? c : a.Day.CompareTo(b.Day);
    });

    private async Task<List<UsageRollup>> RowsAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        var rows = await db.UsageRollups.AsNoTracking().ToListAsync();
        return [.. rows.OrderBy(r => Key(r), Comparer)];
    }

    private async Task<string?> CursorAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        return (await db.IngestionCursors.AsNoTracking().SingleOrDefaultAsync(c => c.Name == IngestUsageJob.CursorName))?.Cursor;
    }
}
