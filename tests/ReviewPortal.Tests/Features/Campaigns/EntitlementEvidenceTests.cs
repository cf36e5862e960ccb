using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>
/// Each item's activity is its entitlement's own (issue #16, 2-3): a key is judged on its usage, a workspace role on the
/// workspace, and the identity's overall activity rides beside it. Hand-made holders with usage rows as the usage
/// ingestion writes them, one launch, and the exact evidence and reason each item carries.
/// </summary>
public class EntitlementEvidenceTests(EntitlementEvidenceTests.World world) : IClassFixture<EntitlementEvidenceTests.World>
{
    public sealed class World : IAsyncLifetime
    {
        public EmptyPortalAppFactory Portal { get; } = new();
        public TestOrg Org { get; } = new("evidence");
        public int CampaignId { get; private set; }
        public Resource Research { get; private set; } = null!;
        public Resource Ops { get; private set; } = null!;
        public Identity MessagesKey { get; private set; } = null!;
        public Identity SpikyKey { get; private set; } = null!;
        public Identity GrowingKey { get; private set; } = null!;
        public Identity SmallNewKey { get; private set; } = null!;
        public Identity ActiveElsewhere { get; private set; } = null!;
        public Identity UsesOps { get; private set; } = null!;
        public Identity SeatHolder { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var org = Org;
            var manager = org.Person("Manager");
            var owner = org.Person("Key owner", manager);
            Research = org.Workspace("research", owner: null);
            Ops = org.Workspace("ops", owner: null);
            var key = org.Role(Research, "active", kind: EntitlementKind.ApiKey);
            var opsDeveloper = org.Role(Ops, "workspace_developer");

            // Serves Messages on 20 of 30 days and has no feed event at all: the feed never records a Messages request.
            MessagesKey = NoFeed(org.Key("Messages key", owner));
            org.Usage(MessagesKey, UsageSubject.ApiKey, Enumerable.Range(0, 20), tokensPerDay: 150_000);
            org.Grant(MessagesKey, key);

            // 10 K tokens a day, then 200 K a day for the last 7 days: 20×, 1.4 M tokens.
            SpikyKey = NoFeed(org.Key("Spiky key", owner));
            org.Usage(SpikyKey, UsageSubject.ApiKey, Enumerable.Range(7, 23), tokensPerDay: 10_000);
            org.Usage(SpikyKey, UsageSubject.ApiKey, Enumerable.Range(0, 7), tokensPerDay: 200_000);
            org.Grant(SpikyKey, key);

            // Below the factor: 60 K a day, then 200 K (3.3×).
            GrowingKey = NoFeed(org.Key("Growing key", owner));
            org.Usage(GrowingKey, UsageSubject.ApiKey, Enumerable.Range(7, 23), tokensPerDay: 60_000);
            org.Usage(GrowingKey, UsageSubject.ApiKey, Enumerable.Range(0, 7), tokensPerDay: 200_000);
            org.Grant(GrowingKey, key);

            // Below the volume: from nothing to 100 K a day, 700 K tokens in 7 days.
            SmallNewKey = NoFeed(org.Key("Small new key", owner));
            org.Usage(SmallNewKey, UsageSubject.ApiKey, Enumerable.Range(0, 7), tokensPerDay: 100_000);
            org.Grant(SmallNewKey, key);

            // Chats on 20 days and works in Research, but holds a role in Ops that sees no use.
            ActiveElsewhere = org.Person("Active elsewhere", manager);
            org.Activity(ActiveElsewhere, Enumerable.Range(0, 20), category: ActivityCategory.ChatAndContent);
            org.WorkspaceActivity(ActiveElsewhere, Research, [1, 2]);
            org.Grant(ActiveElsewhere, opsDeveloper);

            // Uses Ops only through the API (usage by account in that workspace).
            UsesOps = org.Person("Uses ops", manager);
            org.Usage(UsesOps, UsageSubject.Account, [3, 4, 5], tokensPerDay: 40_000, workspace: Ops);
            org.Grant(UsesOps, opsDeveloper);

            // A seat is judged on the holder's overall activity: feed events on 12 days, usage on 3 more.
            SeatHolder = org.Person("Seat holder", manager);
            org.Activity(SeatHolder, Enumerable.Range(0, 12));
            org.Usage(SeatHolder, UsageSubject.Account, [20, 21, 22], tokensPerDay: 10_000);
            org.Grant(SeatHolder, org.Role(org.Organization, "premium_seat", kind: EntitlementKind.Seat));

            await org.SaveAsync(Portal);
            var launched = await Portal.LaunchCampaignAsync(org.Definition(), org.AdminViewer);
            Assert.True(launched.Ok, launched.Refusal?.Message);
            CampaignId = launched.Value.CampaignId;
        }

        private static Identity NoFeed(Identity key)
        {
            key.LastActiveAt = null;
            return key;
        }

        public async Task DisposeAsync() => await Portal.DisposeAsync();
    }

    private async Task<ReviewItem> ItemForAsync(Identity holder)
    {
        await using var db = await world.Portal.CreateDbContextAsync();
        return await db.ReviewItems.AsNoTracking().SingleAsync(i => i.CampaignId == world.CampaignId && i.IdentityId == holder.Id);
    }

    private async Task<ItemEvidence> EvidenceForAsync(Identity holder) => ItemEvidence.FromJson((await ItemForAsync(holder)).EvidenceJson)!;

    [Fact]
    public async Task Launch_KeyWithOnlyMessagesUsage_UsedNOf30DaysWithTokensAndKept()
    {
        var item = await ItemForAsync(world.MessagesKey);
        var evidence = ItemEvidence.FromJson(item.EvidenceJson)!;

        Assert.Equal(Recommendation.Keep, item.Recommendation);
        Assert.Equal("Keep: used 20 of 30 days, 3 M tokens", item.RecommendationReason);
        Assert.Equal(EntitlementEvidencePolicy.KeySource, evidence.Activity.Source);
        Assert.Equal((20, 0, 3_000_000L, 200L), (evidence.Activity.ActiveDays, evidence.Activity.TotalEvents, evidence.Activity.Tokens, evidence.Activity.Requests));
        Assert.Equal([.. Enumerable.Repeat(0L, 10), .. Enumerable.Repeat(150_000L, 20)], evidence.Activity.DailyTokens!);
        // Last used on launch day (a usage day counts from its start).
        Assert.Equal(0, evidence.Activity.DaysSinceActive);
        Assert.Equal(EntitlementEvidencePolicy.OverallSource, evidence.Overall!.Source);
    }

    [Fact]
    public async Task Launch_WorkspaceRoleUnusedInItsWorkspace_RevokedWhileHolderActiveElsewhere()
    {
        var item = await ItemForAsync(world.ActiveElsewhere);
        var evidence = ItemEvidence.FromJson(item.EvidenceJson)!;

        Assert.Equal(Recommendation.Revoke, item.Recommendation);
        Assert.Equal($"Revoke: no use in workspace {world.Ops.Name} in 30 days; the holder is active elsewhere (20 of 30 days)",
            item.RecommendationReason);
        Assert.Equal("dormant", evidence.Recommendation.Rule);
        Assert.Equal($"Activity in workspace {world.Ops.Name} (its feed events and usage there)", evidence.Activity.Source);
        Assert.Equal((0, 0, (int?)null), (evidence.Activity.ActiveDays, evidence.Activity.TotalEvents, evidence.Activity.DaysSinceActive));
        Assert.Equal(20, evidence.Overall!.ActiveDays);
        Assert.Equal("20 of 30", evidence.Recommendation.Inputs["overall active days"]);
    }

    [Fact]
    public async Task Launch_WorkspaceRoleUsedThroughUsageInItsWorkspace_Kept()
    {
        var item = await ItemForAsync(world.UsesOps);
        var evidence = ItemEvidence.FromJson(item.EvidenceJson)!;

        Assert.Equal("Keep: used 3 of 30 days, 120 K tokens", item.RecommendationReason);
        Assert.Equal(3, evidence.Activity.DaysSinceActive);
        // The holder of the same role who never used it is not an active peer: no peers to compare with.
        Assert.Equal(new PeerEvidence($"holders of {world.Ops.Name}: workspace_developer", 0, 0, null, "events and requests"), evidence.Peers);
    }

    [Fact]
    public async Task Launch_KeyPeers_AreTheOtherHoldersOfTheKeyEntitlementWithoutTheKeyItself()
    {
        var evidence = await EvidenceForAsync(world.MessagesKey);

        // The other three keys made 300, 300 and 70 requests; the Messages key's own 200 is not among them (with it, the
        // median of 70, 200, 300, 300 would be 250).
        Assert.Equal(3, evidence.Peers.PeerCount);
        Assert.Equal(300, evidence.Peers.PeerMedian);
        Assert.Equal(0.7, evidence.Peers.Ratio);
    }

    [Fact]
    public async Task Launch_TokensUp20TimesOverAMillion_SpikeRuleFiresWithItsInputs()
    {
        var item = await ItemForAsync(world.SpikyKey);
        var evidence = ItemEvidence.FromJson(item.EvidenceJson)!;

        Assert.Equal(Recommendation.LookCloser, item.Recommendation);
        Assert.Equal("Look closer: tokens up 20× (200 K a day in the last 7 days vs 10 K in the 23 days before)", item.RecommendationReason);
        Assert.Equal("token-spike", evidence.Recommendation.Rule);
        Assert.Equal("200 K", evidence.Recommendation.Inputs["tokens per day, last 7 days"]);
        Assert.Equal("10 K", evidence.Recommendation.Inputs["tokens per day, 23 days before"]);
        Assert.Equal("5× and at least 1 M tokens in 7 days", evidence.Recommendation.Inputs["spike threshold"]);
    }

    [Fact]
    public async Task Launch_TokensUpThreeTimes_BelowTheFactorNoSpike()
    {
        var item = await ItemForAsync(world.GrowingKey);

        Assert.Equal("Keep: used 30 of 30 days, 2.8 M tokens", item.RecommendationReason);
    }

    [Fact]
    public async Task Launch_NewUsageBelowTheMinimumVolume_NoSpike()
    {
        var item = await ItemForAsync(world.SmallNewKey);

        Assert.Equal("Keep: used 7 of 30 days, 700 K tokens", item.RecommendationReason);
    }

    [Fact]
    public async Task Launch_SeatIsJudgedOnOverallActivity_StoredOnceWithoutADuplicateOverall()
    {
        var evidence = await EvidenceForAsync(world.SeatHolder);

        Assert.Equal(EntitlementEvidencePolicy.OverallSource, evidence.Activity.Source);
        Assert.Equal((15, 12, 30_000L), (evidence.Activity.ActiveDays, evidence.Activity.TotalEvents, evidence.Activity.Tokens));
        // The entitlement's own evidence is the identity's overall activity: the drawer shows it once.
        Assert.Null(evidence.Overall);
    }
}
