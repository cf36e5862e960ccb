using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>Who gets each item at launch: never the holder, never the owner of the NHI (unless owners attest).</summary>
public class LaunchCampaignReviewerTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private async Task<Dictionary<int, int>> ReviewerByHolderAsync(int campaignId)
    {
        await using var db = await portal.CreateDbContextAsync();
        return await db.ReviewItems.Where(i => i.CampaignId == campaignId).ToDictionaryAsync(i => i.IdentityId, i => i.ReviewerId);
    }

    private async Task<int> LaunchAsync(TestOrg org, Action<CampaignDefinition> configure)
    {
        var launched = await portal.LaunchCampaignAsync(org.Definition(configure), org.AdminViewer);
        Assert.True(launched.Ok, launched.Refusal?.Message);
        return launched.Value.CampaignId;
    }

    [Fact]
    public async Task Launch_NamedRuleNamesTheHolder_HolderItemGoesToFallback()
    {
        var org = new TestOrg("named");
        var user = org.Role(org.Organization, "user");
        var alice = org.Person("Alice");
        var carol = org.Person("Carol");
        org.Grant(alice, user);
        org.Grant(carol, user);
        await org.SaveAsync(portal);

        var campaign = await LaunchAsync(org, d => { d.Reviewer = ReviewerRule.Named; d.NamedReviewerIds = [alice.Id]; });

        var reviewers = await ReviewerByHolderAsync(campaign);
        Assert.Equal(org.Admin.Id, reviewers[alice.Id]);
        Assert.Equal(alice.Id, reviewers[carol.Id]);
    }

    [Fact]
    public async Task Launch_ResourceOwnerHoldsOwnWorkspace_OwnerItemGoesToFallback()
    {
        var org = new TestOrg("owner");
        var owner = org.Person("Owner");
        var workspace = org.Workspace("prod", owner);
        var developer = org.Role(workspace, "workspace_developer");
        var admin = org.Role(workspace, "workspace_admin", privileged: true, reducesTo: developer);
        var dev = org.Person("Dev");
        org.Grant(owner, admin);
        org.Grant(dev, developer);
        await org.SaveAsync(portal);

        var campaign = await LaunchAsync(org, d => d.Reviewer = ReviewerRule.ResourceOwner);

        var reviewers = await ReviewerByHolderAsync(campaign);
        Assert.Equal(org.Admin.Id, reviewers[owner.Id]);
        Assert.Equal(owner.Id, reviewers[dev.Id]);
    }

    /// <summary>HR feeds often make the head of the company their own manager.</summary>
    [Fact]
    public async Task Launch_ManagerRuleSelfManagedHead_HeadAndTheKeyTheyOwnGoToFallback()
    {
        var org = new TestOrg("selfmanaged");
        var user = org.Role(org.Organization, "user");
        var keyRole = org.Role(org.Organization, "active", kind: EntitlementKind.ApiKey);
        var head = org.Person("Head");
        var report = org.Person("Report", manager: head);
        var key = org.Key("Head's key", head);
        org.Grant(head, user);
        org.Grant(report, user);
        org.Grant(key, keyRole);
        await org.SaveAsync(portal);
        await using (var db = await portal.CreateDbContextAsync())
        {
            await db.Identities.Where(i => i.Id == head.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.ManagerId, head.Id));
        }

        var campaign = await LaunchAsync(org, d => d.Reviewer = ReviewerRule.Manager);

        var reviewers = await ReviewerByHolderAsync(campaign);
        Assert.Equal(org.Admin.Id, reviewers[head.Id]);
        Assert.Equal(org.Admin.Id, reviewers[key.Id]);
        Assert.Equal(head.Id, reviewers[report.Id]);
    }

    [Fact]
    public async Task Launch_NhiOwnerRule_OwnerAttestsOwnKeyAndManagerReviewsPeople()
    {
        var org = new TestOrg("nhiowner");
        var user = org.Role(org.Organization, "user");
        var keyRole = org.Role(org.Organization, "active", kind: EntitlementKind.ApiKey);
        var manager = org.Person("Manager");
        var owner = org.Person("Owner", manager);
        var key = org.Key("Owned key", owner);
        org.Grant(owner, user);
        org.Grant(key, keyRole);
        await org.SaveAsync(portal);

        var campaign = await LaunchAsync(org, d => d.Reviewer = ReviewerRule.NhiOwner);

        var reviewers = await ReviewerByHolderAsync(campaign);
        Assert.Equal(owner.Id, reviewers[key.Id]);
        Assert.Equal(manager.Id, reviewers[owner.Id]);
    }
}
