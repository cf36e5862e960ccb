using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>
/// What launch writes through each engine's bulk path (prepared INSERTs on SQLite, one binary COPY on PostgreSQL): exactly
/// the planned items, each with the evidence the planner built, byte for byte, and the SHA-256 of that JSON.
/// </summary>
public class LaunchCampaignItemsTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    [Fact]
    public async Task Launch_WritesExactlyThePlannedItemsWithTheirEvidenceAndItsHash()
    {
        var org = new TestOrg("items");
        var manager = org.Person("Manager");
        var workspace = org.Workspace("ws", owner: manager);
        var developer = org.Role(workspace, "workspace_developer");
        var admin = org.Role(workspace, "workspace_admin", privileged: true, reducesTo: developer);
        var user = org.Role(org.Organization, "user");
        var keyRole = org.Role(workspace, "active", kind: EntitlementKind.ApiKey);
        var busy = org.Person("Busy", manager);
        org.Activity(busy, Enumerable.Range(0, 20), countPerDay: 4);
        var idle = org.Person("Idle", manager, lastActive: TestOrg.Now.AddDays(-50));
        var key = org.Key("Key", busy);
        org.Activity(key, [0, 3], category: ActivityCategory.ApiKeyUse);
        org.Grant(busy, user);
        org.Grant(busy, admin);
        org.Grant(idle, user);
        org.Grant(idle, developer, grantedDaysAgo: 10);
        org.Grant(key, keyRole);
        org.Grant(manager, user);
        await org.SaveAsync(portal);
        var definition = org.Definition();
        CampaignPlan plan;
        await using (var db = await portal.CreateDbContextAsync())
        {
            plan = await CampaignPlanner.PlanAsync(db, definition, TestOrg.Now, CancellationToken.None);
        }

        var launched = await portal.LaunchCampaignAsync(definition, org.AdminViewer);

        Assert.True(launched.Ok, launched.Refusal?.Message);
        Assert.Equal(6, plan.Items.Count);
        Assert.Equal(plan.Items.Count, launched.Value.Items);
        await using var check = await portal.CreateDbContextAsync();
        var items = await check.ReviewItems.AsNoTracking().Where(i => i.CampaignId == launched.Value.CampaignId).ToListAsync();
        var expected = plan.Items
            .Select(p => (p.Grant.GrantId, p.Grant.IdentityId, p.Grant.EntitlementId, p.ReviewerId, p.Evidence.Recommendation.Recommendation,
                p.Evidence.Recommendation.Reason, Json: p.Evidence.ToJson()))
            .OrderBy(p => p.GrantId).ToList();
        var actual = items
            .Select(i => (i.GrantId, i.IdentityId, i.EntitlementId, i.ReviewerId, i.Recommendation, i.RecommendationReason, Json: i.EvidenceJson))
            .OrderBy(i => i.GrantId).ToList();
        Assert.Equal(expected, actual);
        Assert.All(items, i =>
        {
            Assert.Equal(ItemEvidence.Hash(i.EvidenceJson), i.EvidenceHash);
            Assert.Equal(TestOrg.Now, i.EvidenceAsOf);
            Assert.Equal(1, i.Stage);
            Assert.Equal(0, i.Version);
            Assert.Null(i.Outcome);
        });
    }
}
