using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>
/// Launch explains each recommendation from the holder's real rollups: hand-made holders with known
/// activity, one launch, and the exact reason each item carries.
/// </summary>
public class LaunchCampaignRecommendationTests(LaunchCampaignRecommendationTests.World world)
    : IClassFixture<LaunchCampaignRecommendationTests.World>
{
    public sealed class World : IAsyncLifetime
    {
        public EmptyPortalAppFactory Portal { get; } = new();
        public TestOrg Org { get; } = new("recommend");
        public int CampaignId { get; private set; }
        public Identity Dormant { get; private set; } = null!;
        public Identity Steady { get; private set; } = null!;
        public Identity IdleAdmin { get; private set; } = null!;
        public Identity BusyAdmin { get; private set; } = null!;
        public Identity Heavy { get; private set; } = null!;
        public Identity Leaver { get; private set; } = null!;
        public Identity OrphanKey { get; private set; } = null!;
        public Identity GoneOwner { get; private set; } = null!;
        public Identity NeverActive { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var org = Org;
            var manager = org.Person("Manager");
            var workspace = org.Workspace("ws", owner: null);
            var user = org.Role(org.Organization, "user");
            var developer = org.Role(workspace, "workspace_developer");
            var wsAdmin = org.Role(workspace, "workspace_admin", privileged: true, reducesTo: developer);
            var keyActive = org.Role(workspace, "active", kind: EntitlementKind.ApiKey);

            Dormant = org.Person("Dormant", manager, lastActive: TestOrg.Now.AddDays(-41));
            org.Grant(Dormant, user);

            // Alone in its peer group, so only the in-use rule can fire.
            Steady = org.Person("Steady", manager, department: $"{org.Tag} steady");
            org.Activity(Steady, Enumerable.Range(0, 22), countPerDay: 3);
            org.Grant(Steady, user);

            // A workspace role's evidence is the workspace's: both admins work in it, one makes admin changes there.
            IdleAdmin = org.Person("Idle admin", manager, department: $"{org.Tag} admins");
            org.WorkspaceActivity(IdleAdmin, workspace, [0, 1, 2]);
            org.Grant(IdleAdmin, wsAdmin);
            BusyAdmin = org.Person("Busy admin", manager, department: $"{org.Tag} admins");
            org.WorkspaceActivity(BusyAdmin, workspace, [0, 1, 2], category: ActivityCategory.AdminChange);
            org.Grant(BusyAdmin, wsAdmin);

            // Peers are the other holders of the same entitlement: three at 10 events and one at 60, so the median of
            // Heavy's active peers is 10 (Heavy not counted), the ratio 6.
            var member = org.Role(org.Organization, "member");
            Heavy = org.Person("Heavy", manager, department: $"{org.Tag} busy");
            org.Activity(Heavy, [0, 1, 2], countPerDay: 20);
            org.Grant(Heavy, member);
            foreach (var n in Enumerable.Range(1, 3))
            {
                var peer = org.Person($"Peer {n}", manager, department: $"{org.Tag} busy");
                org.Activity(peer, [n], countPerDay: 10);
                org.Grant(peer, member);
            }

            Leaver = org.Person("Leaver", manager, departed: true, lastActive: TestOrg.Now.AddDays(-2));
            org.Grant(Leaver, user);

            GoneOwner = org.Person("Gone owner", manager, departed: true, lastActive: TestOrg.Now.AddDays(-60));
            OrphanKey = org.Key("Orphan key", GoneOwner);
            org.Activity(OrphanKey, [0, 1], category: ActivityCategory.ApiKeyUse);
            org.Grant(OrphanKey, keyActive);

            NeverActive = org.Person("Never active", manager, department: $"{org.Tag} quiet");
            NeverActive.LastActiveAt = null;
            org.Grant(NeverActive, user, grantedDaysAgo: 45);

            await org.SaveAsync(Portal);
            var launched = await Portal.LaunchCampaignAsync(org.Definition(), org.AdminViewer);
            Assert.True(launched.Ok, launched.Refusal?.Message);
            CampaignId = launched.Value.CampaignId;
        }

        public async Task DisposeAsync() => await Portal.DisposeAsync();
    }

    private async Task<ReviewItem> ItemForAsync(Identity holder)
    {
        await using var db = await world.Portal.CreateDbContextAsync();
        return await db.ReviewItems.AsNoTracking().SingleAsync(i => i.CampaignId == world.CampaignId && i.IdentityId == holder.Id);
    }

    private async Task AssertRecommendationAsync(Identity holder, Recommendation recommendation, string reason, string rule)
    {
        var item = await ItemForAsync(holder);
        Assert.Equal(reason, item.RecommendationReason);
        Assert.Equal(recommendation, item.Recommendation);
        var evidence = ItemEvidence.FromJson(item.EvidenceJson)!;
        Assert.Equal(reason, evidence.Recommendation.Reason);
        Assert.Equal(rule, evidence.Recommendation.Rule);
    }

    [Fact]
    public Task Launch_HolderIdleFor41Days_RevokeNoActivityFor41Days() =>
        AssertRecommendationAsync(world.Dormant, Recommendation.Revoke, "Revoke: no activity for 41 days", "dormant");

    [Fact]
    public async Task Launch_HolderActiveOn22Days_KeepActive22Of30Days()
    {
        await AssertRecommendationAsync(world.Steady, Recommendation.Keep, "Keep: active 22 of 30 days", "in-use");

        var evidence = ItemEvidence.FromJson((await ItemForAsync(world.Steady)).EvidenceJson)!;
        Assert.Equal(30, evidence.Activity.Daily.Length);
        Assert.Equal(22, evidence.Activity.ActiveDays);
        Assert.Equal(66, evidence.Activity.TotalEvents);
        // Oldest first, ending on launch day: the 22 active days are the last 22 entries.
        Assert.Equal([.. Enumerable.Repeat(0, 8), .. Enumerable.Repeat(3, 22)], evidence.Activity.Daily);
    }

    [Fact]
    public Task Launch_PrivilegedRoleWithLesserRoleAndNoAdminChanges_Reduce() =>
        AssertRecommendationAsync(world.IdleAdmin, Recommendation.Reduce,
            "Reduce: admin rights unused: no role changes, member changes, member invites, key creation or changes, settings changes, " +
            "user changes, group changes, permission changes, workspace changes, owner transfers, SSO changes, directory changes, " +
            "domain changes or service account changes in 30 days", "unused-privilege");

    [Fact]
    public async Task Launch_PrivilegedRoleUsedForAdminChanges_NotReduce()
    {
        var item = await ItemForAsync(world.BusyAdmin);

        Assert.Equal(Recommendation.Keep, item.Recommendation);
        Assert.Equal("Keep: active 3 of 30 days", item.RecommendationReason);
    }

    [Fact]
    public async Task Launch_SixTimesActivePeerMedian_LookCloserQuotingRatioAndGroup()
    {
        var group = $"holders of {world.Org.Tag} org: member";
        await AssertRecommendationAsync(world.Heavy, Recommendation.LookCloser, $"Look closer: 6× the peer median ({group})", "unusual-volume");

        var evidence = ItemEvidence.FromJson((await ItemForAsync(world.Heavy)).EvidenceJson)!;
        // Three peers, the holder excluded from its own median (with it, the median of 10, 10, 10, 60 would still be 10,
        // but the count would be 4).
        Assert.Equal(new PeerEvidence(group, 3, 10, 6, "events and requests"), evidence.Peers);
        Assert.Equal($"3 other active {group} (the holder not counted)", evidence.Recommendation.Inputs["peers"]);
    }

    [Fact]
    public Task Launch_DepartedHolder_RevokeEvenThoughRecentlyActive() =>
        AssertRecommendationAsync(world.Leaver, Recommendation.Revoke, "Revoke: the holder has left the company", "departed-holder");

    [Fact]
    public Task Launch_NhiWhoseOwnerDeparted_LookCloserNamingTheOwner() =>
        AssertRecommendationAsync(world.OrphanKey, Recommendation.LookCloser,
            $"Look closer: the accountable owner {world.GoneOwner.DisplayName} has left — reassign or revoke", "departed-owner");

    [Fact]
    public Task Launch_NeverActiveFor45DaysOfHolding_RevokeNeverActive() =>
        AssertRecommendationAsync(world.NeverActive, Recommendation.Revoke, "Revoke: never active in 45 days of holding it", "dormant");
}
