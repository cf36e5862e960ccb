using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Auth;
using static ReviewPortal.Tests.Claude.FakeClaudeApi;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>
/// Issue #16's first acceptance point end to end in Live mode, with nothing seeded in the database: the directory and the
/// usage come from the HTTP fake of the Claude APIs through the real sync and usage ingestion, then a real launch. A key
/// used only for Messages (no feed event at all) is evidenced by its usage and kept; a workspace role its holder never
/// uses in that workspace is recommended for revoke although the holder works elsewhere every other day.
/// </summary>
public sealed class UsageEvidenceLiveTests : IAsyncLifetime
{
    /// <summary>A month after the first directory sync, so the grants are old enough for the dormancy rule to judge them.</summary>
    private static readonly DateTimeOffset LaunchAt = PortalAppFactory.Now.AddDays(31);
    private static readonly DateOnly Today = DateOnly.FromDateTime(LaunchAt.UtcDateTime);
    private FakeApiPortalFactory _portal = null!;

    public async Task InitializeAsync()
    {
        _portal = await FakeApiPortalFactory.StartAsync(new Dictionary<string, string?> { ["Ingestion:UsageBackfillDays"] = "30" });
        var directory = _portal.Api.Directory;
        directory.Organizations.Add(("org-console", "Northwind Console"));
        directory.Users["org-console"] =
        [
            ("user_ann", "ann@northwind.example", "Ann Analyst", "developer"),
            ("user_bob", "bob@northwind.example", "Bob Builder", "developer"),
            ("user_cleo", "cleo@northwind.example", "Cleo Admin", "admin"),
        ];
        directory.Workspaces.Add(("wrkspc_research", "Research"));
        directory.Workspaces.Add(("wrkspc_ops", "Ops"));
        _portal.Api.Members[("wrkspc_research", "user_ann")] = "workspace_developer";
        _portal.Api.Members[("wrkspc_ops", "user_ann")] = "workspace_developer";
        directory.ApiKeys.Add(("apikey_inference", "research-inference", "user_bob", "wrkspc_research"));
        Assert.Equal(IngestionRunStatus.Succeeded, (await _portal.GetRequiredService<SyncDirectoryJob>().RunAsync()).Status);
        _portal.Time.SetUtcNow(LaunchAt);
        // Twenty of the last thirty days: the key serves Messages (150,000 tokens a day), Ann works in Research only.
        for (var back = 0; back < 20; back++)
        {
            var day = Today.AddDays(-back);
            _portal.Api.Usage.Add(new FakeUsage(day, "apikey_inference", "api_actor", "apikey_inference", "wrkspc_research", 100_000, 50_000, Requests: 10));
            _portal.Api.Usage.Add(new FakeUsage(day, null, "user_actor", "user_ann", "wrkspc_research", 2_000, 500, Requests: 4));
        }
        Assert.Equal(IngestionRunStatus.Succeeded, (await _portal.GetRequiredService<IngestUsageJob>().RunAsync()).Status);
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    /// <summary>Cleo administers the portal and reviews what has no manager in a portal without a people directory.</summary>
    private async Task<Viewer> CleoAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        var cleo = await db.Identities.SingleAsync(i => i.ExternalId == "user_cleo");
        return new Viewer(cleo.Id, cleo.DisplayName, new HashSet<string> { Roles.Admin });
    }

    private async Task<Dictionary<string, ReviewItem>> LaunchAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        var admin = await CleoAsync();
        var cleo = await db.Identities.SingleAsync(i => i.Id == admin.IdentityId);
        var launched = await _portal.LaunchCampaignAsync(new CampaignDefinition
        {
            Name = "Usage evidence",
            EntitlementKinds = [EntitlementKind.ApiKey, EntitlementKind.WorkspaceRole],
            IdentityKinds = [IdentityKind.Person, IdentityKind.ApiKey],
            Reviewer = ReviewerRule.Manager,
            FallbackReviewerId = cleo.Id,
            DueAt = LaunchAt.AddDays(21),
        }, admin);
        Assert.True(launched.Ok, launched.Refusal?.Message);
        return await db.ReviewItems.AsNoTracking().Where(i => i.CampaignId == launched.Value!.CampaignId)
            .Select(i => new { i.Identity.ExternalId, Resource = i.Entitlement.Resource.ExternalId, Item = i })
            .ToDictionaryAsync(i => $"{i.ExternalId}@{i.Resource}", i => i.Item);
    }

    [Fact]
    public async Task KeyUsedOnlyForMessages_NoFeedEvent_UsedTwentyOfThirtyDaysWithItsTokens_NotRevoked()
    {
        await using (var db = await _portal.CreateDbContextAsync())
        {
            Assert.Equal(0, await db.ActivityEvents.CountAsync());
        }

        var key = (await LaunchAsync()).Single(i => i.Key.StartsWith("apikey_inference@", StringComparison.Ordinal)).Value;

        var evidence = ItemEvidence.FromJson(key.EvidenceJson)!;
        Assert.Equal(Recommendation.Keep, key.Recommendation);
        Assert.Equal("Keep: used 20 of 30 days, 3 M tokens", key.RecommendationReason);
        Assert.Equal((20, 0, 3_000_000L, 200L), (evidence.Activity.ActiveDays, evidence.Activity.TotalEvents, evidence.Activity.Tokens, evidence.Activity.Requests));
        Assert.Equal(EntitlementEvidencePolicy.KeySource, evidence.Activity.Source);
    }

    [Fact]
    public async Task WorkspaceRoleUnusedInItsWorkspace_HolderActiveInAnother_OnlyTheUnusedOneRecommendedForRevoke()
    {
        var items = await LaunchAsync();

        var ops = items["user_ann@wrkspc_ops"];
        var research = items["user_ann@wrkspc_research"];
        Assert.Equal((Recommendation.Revoke, "Revoke: no use in workspace Ops in 30 days; the holder is active elsewhere (20 of 30 days)"),
            (ops.Recommendation, ops.RecommendationReason));
        Assert.Equal(Recommendation.Keep, research.Recommendation);
        Assert.StartsWith("Keep: used 20 of 30 days", research.RecommendationReason, StringComparison.Ordinal);
    }
}

/// <summary>
/// "Refresh evidence" re-reads the holder's own usage (issue #16, 5), in Live mode against the HTTP fake: one Analytics
/// request filtered to that key over the evidence's thirty days, that key's rows replaced, nobody else's touched.
/// </summary>
public sealed class RefreshEvidenceUsageLiveTests : IAsyncLifetime
{
    private static readonly DateTimeOffset LaunchAt = PortalAppFactory.Now.AddDays(31);
    private static readonly DateOnly Today = DateOnly.FromDateTime(LaunchAt.UtcDateTime);
    private FakeApiPortalFactory _portal = null!;

    public async Task InitializeAsync()
    {
        _portal = await FakeApiPortalFactory.StartAsync(new Dictionary<string, string?> { ["Ingestion:UsageBackfillDays"] = "30" });
        var directory = _portal.Api.Directory;
        directory.Organizations.Add(("org-console", "Northwind Console"));
        directory.Users["org-console"] =
        [
            ("user_ann", "ann@northwind.example", "Ann Analyst", "developer"),
            ("user_bob", "bob@northwind.example", "Bob Builder", "developer"),
            ("user_cleo", "cleo@northwind.example", "Cleo Admin", "admin"),
        ];
        directory.Workspaces.Add(("wrkspc_research", "Research"));
        _portal.Api.Members[("wrkspc_research", "user_ann")] = "workspace_developer";
        directory.ApiKeys.Add(("apikey_inference", "research-inference", "user_bob", "wrkspc_research"));
        directory.ApiKeys.Add(("apikey_batch", "research-batch", "user_bob", "wrkspc_research"));
        Assert.Equal(IngestionRunStatus.Succeeded, (await _portal.GetRequiredService<SyncDirectoryJob>().RunAsync()).Status);
        _portal.Time.SetUtcNow(LaunchAt);
        for (var back = 0; back < 10; back++)
        {
            _portal.Api.Usage.Add(new FakeUsage(Today.AddDays(-back), "apikey_inference", "api_actor", "apikey_inference", "wrkspc_research", 100_000, 50_000, Requests: 10));
            _portal.Api.Usage.Add(new FakeUsage(Today.AddDays(-back), "apikey_batch", "api_actor", "apikey_batch", "wrkspc_research", 1_000, 1_000, Requests: 1));
        }
        Assert.Equal(IngestionRunStatus.Succeeded, (await _portal.GetRequiredService<IngestUsageJob>().RunAsync()).Status);
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task Refresh_RereadsOnlyTheKeysThirtyDays_WithOneFilteredRequest_AndTheSnapshotShowsUsageTheLaunchDidNotHave()
    {
        await using var db = await _portal.CreateDbContextAsync();
        var admin = await db.Identities.SingleAsync(i => i.ExternalId == "user_cleo");
        var viewer = new Viewer(admin.Id, admin.DisplayName, new HashSet<string> { Roles.Admin });
        var launched = await _portal.LaunchCampaignAsync(new CampaignDefinition
        {
            Name = "Keys", EntitlementKinds = [EntitlementKind.ApiKey], IdentityKinds = [IdentityKind.ApiKey], Reviewer = ReviewerRule.Manager,
            FallbackReviewerId = admin.Id, DueAt = LaunchAt.AddDays(21),
        }, viewer);
        Assert.True(launched.Ok, launched.Refusal?.Message);
        var item = await db.ReviewItems.AsNoTracking().SingleAsync(i => i.CampaignId == launched.Value!.CampaignId && i.Identity.ExternalId == "apikey_inference");
        var atLaunch = ItemEvidence.FromJson(item.EvidenceJson)!.Activity;
        Assert.Equal((10, 1_500_000L), (atLaunch.ActiveDays, atLaunch.Tokens));
        // Upstream learns more after the launch: late usage of the key 20 to 24 days ago, and of the other key.
        for (var back = 20; back < 25; back++)
        {
            _portal.Api.Usage.Add(new FakeUsage(Today.AddDays(-back), "apikey_inference", "api_actor", "apikey_inference", "wrkspc_research", 100_000, 50_000, Requests: 10));
            _portal.Api.Usage.Add(new FakeUsage(Today.AddDays(-back), "apikey_batch", "api_actor", "apikey_batch", "wrkspc_research", 1_000, 1_000, Requests: 1));
        }
        var before = _portal.Api.Requests.Count;

        var refreshed = await _portal.GetRequiredService<RefreshEvidence>().HandleAsync(viewer, item.Id, "refresh-usage");

        Assert.True(refreshed.Ok, refreshed.Refusal?.Message);
        var usageRequests = _portal.Api.Requests.Skip(before).Where(r => r.Path.StartsWith("/v1/organizations/", StringComparison.Ordinal)
            && (r.Path.Contains("usage", StringComparison.Ordinal))).ToList();
        var request = Assert.Single(usageRequests);
        Assert.Equal("/v1/organizations/analytics/usage", request.Path);
        var query = Uri.UnescapeDataString(request.Query);
        Assert.Contains("api_key_ids[]=apikey_inference", query, StringComparison.Ordinal);
        Assert.Contains($"starting_at={Today.AddDays(-29):yyyy-MM-dd}T00:00:00", query, StringComparison.Ordinal);
        Assert.Contains($"ending_at={Today.AddDays(1):yyyy-MM-dd}T00:00:00", query, StringComparison.Ordinal);

        var snapshot = await db.EvidenceSnapshots.AsNoTracking().SingleAsync(s => s.Id == refreshed.Value!.SnapshotId);
        var evidence = ItemEvidence.FromJson(snapshot.EvidenceJson)!;
        Assert.Equal((15, 2_250_000L, 150L), (evidence.Activity.ActiveDays, evidence.Activity.Tokens, evidence.Activity.Requests));
        // The other key's late days are left to the hourly run: only the refreshed key's rows were replaced.
        Assert.Equal(new Dictionary<string, int> { ["apikey_batch"] = 10, ["apikey_inference"] = 15 },
            await db.UsageRollups.AsNoTracking().GroupBy(r => r.SubjectId).ToDictionaryAsync(g => g.Key, g => g.Count()));
    }
}

/// <summary>
/// The same in Simulated mode: the demo organization (seeded through the real sync, feed and usage ingestion) has keys
/// whose only use is Messages; each is evidenced by its usage, never by a feed event, and none is recommended for revoke.
/// </summary>
[Collection(SeededReviewCollection.Name)]
public sealed class UsageEvidenceSimulatedTests(PortalAppFactory portal)
{
    [Fact]
    public async Task MessagesOnlyKeys_NoFeedEvents_EvidencedByUsage_NoneRecommendedForRevoke()
    {
        await using var db = await portal.CreateDbContextAsync();
        var messagesOnly = await db.Identities.AsNoTracking()
            .Where(i => i.Kind == IdentityKind.ApiKey && i.DisplayName.Contains("-inference-") && !db.ActivityEvents.Any(e => e.IdentityId == i.Id))
            .Select(i => i.Id).ToListAsync();
        Assert.NotEmpty(messagesOnly);
        var admin = await portal.ViewerForAsync("admin");

        var launched = await portal.LaunchCampaignAsync(new CampaignDefinition
        {
            Name = "Messages-only keys",
            EntitlementKinds = [EntitlementKind.ApiKey],
            IdentityKinds = [IdentityKind.ApiKey],
            Reviewer = ReviewerRule.Manager,
            FallbackReviewerId = admin.IdentityId,
            DueAt = PortalAppFactory.Now.AddDays(21),
        }, admin);

        Assert.True(launched.Ok, launched.Refusal?.Message);
        var items = await db.ReviewItems.AsNoTracking()
            .Where(i => i.CampaignId == launched.Value!.CampaignId && messagesOnly.Contains(i.IdentityId)).ToListAsync();
        Assert.Equal(messagesOnly.Count, items.Count);
        Assert.All(items, item =>
        {
            var evidence = ItemEvidence.FromJson(item.EvidenceJson)!;
            Assert.NotEqual(Recommendation.Revoke, item.Recommendation);
            Assert.Equal(0, evidence.Activity.TotalEvents);
            Assert.True(evidence.Activity.ActiveDays > 0 && evidence.Activity.Tokens > 0, $"{item.RecommendationReason}: no usage evidenced");
            Assert.Equal(EntitlementEvidencePolicy.KeySource, evidence.Activity.Source);
        });
    }
}
