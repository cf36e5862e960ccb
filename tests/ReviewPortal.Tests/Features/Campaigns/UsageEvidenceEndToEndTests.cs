using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Connectors;
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

    private async Task<Dictionary<string, ReviewItem>> LaunchAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        // Cleo administers the portal and reviews what has no manager in a portal without a people directory.
        var cleo = await db.Identities.SingleAsync(i => i.ExternalId == "user_cleo");
        var admin = new Viewer(cleo.Id, cleo.DisplayName, new HashSet<string> { Roles.Admin });
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
