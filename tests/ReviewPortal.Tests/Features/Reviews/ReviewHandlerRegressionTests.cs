using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Reviews;

// Each test reproduced a bug found by review (now fixed): detail read, panel rights, fallback self-review, validation keys, bulk disclosure.
public class ReviewHandlerRegressionTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    [Fact]
    public async Task GetReviewItem_AdminAndComplianceOpenBsItem_ReadOnlyView()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var beas = await teams.ItemAsync(teams.Bea, teams.User);
        var handler = portal.GetRequiredService<GetReviewItem>();

        var asAdmin = (await handler.HandleAsync(teams.Admin, beas.Id)).Value;
        var asCompliance = (await handler.HandleAsync(teams.Compliance, beas.Id)).Value;
        var asB = (await handler.HandleAsync(teams.B, beas.Id)).Value;

        Assert.False(asAdmin!.CanDecide);
        Assert.False(asCompliance!.CanDecide);
        Assert.True(asB!.CanDecide);
    }

    [Fact]
    public async Task GetReviewItem_Reviewer_SameHashAndEvidenceAsTheStoredJson()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Alice, teams.User);

        var view = (await portal.GetRequiredService<GetReviewItem>().HandleAsync(teams.A, item.Id)).Value;

        Assert.Equal(item.EvidenceHash, view!.EvidenceHash);
        Assert.Equal(ItemEvidence.Hash(view.EvidenceJson), view.EvidenceHash);
        Assert.Equal(item.EvidenceJson, view.Evidence.ToJson());
    }

    [Fact]
    public async Task GetReviewItem_NhiOwnerRuleOwnerOpensOwnKey_CanDecideAgreesWithDecide()
    {
        var teams = await TwoTeams.LaunchAsync(portal, d => d.Reviewer = ReviewerRule.NhiOwner);
        var org = new TestOrg("x");
        _ = org;
        await using (var db = await portal.CreateDbContextAsync())
        {
            await db.Identities.Where(i => i.Id == teams.Gone.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.EmploymentStatus, EmploymentStatus.Active));
        }
        var item = await teams.ItemAsync(teams.GonesKey, teams.KeyActive);
        Assert.Equal(teams.Gone.Id, item.ReviewerId);
        var owner = TestOrg.Viewer(teams.Gone);

        var view = (await portal.GetRequiredService<GetReviewItem>().HandleAsync(owner, item.Id)).Value;
        var decided = await portal.GetRequiredService<DecideReviewItem>().HandleAsync(owner,
            TwoTeams.Command(item, DecisionOutcome.Keep, "Still used by the nightly export."), "t");

        Assert.True(decided.Ok, decided.Refusal?.Message);
        Assert.True(view!.CanDecide);
    }

    [Fact]
    public async Task Launch_FallbackReviewerIsTheOnlyCandidateForTheirOwnGrant_NotAssignedToThemselves()
    {
        var org = new TestOrg("fallbackself");
        org.Grant(org.Admin, org.Role(org.Organization, "admin", privileged: true));
        org.Grant(org.Person("Someone"), org.Role(org.Organization, "user"));
        await org.SaveAsync(portal);

        var launched = await portal.LaunchCampaignAsync(org.Definition(d => d.Reviewer = ReviewerRule.Manager), org.AdminViewer);

        var campaignId = launched.Value?.CampaignId;
        await using var db = await portal.CreateDbContextAsync();
        Assert.DoesNotContain(await db.ReviewItems.Where(i => i.CampaignId == campaignId).ToListAsync(),
            i => i.ReviewerId == i.IdentityId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Reassign_BlankJustification_InvalidNotThrown(string justification)
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Alice, teams.User);

        var result = await portal.GetRequiredService<DecideReviewItem>().HandleAsync(teams.A,
            TwoTeams.Command(item, DecisionOutcome.Reassign, justification) with { ReassignToId = teams.Olga.Id }, "t");

        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        Assert.Contains("Justification", result.Refusal!.FieldErrors!.Keys);
    }

    [Fact]
    public async Task BulkDecide_ReviewerAWithBsIds_ProblemsDoNotNameBsHolders()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var bs = TwoTeams.Seen((await teams.ItemsAsync()).Where(i => i.ReviewerId == teams.ManagerB.Id));

        var result = await portal.GetRequiredService<BulkDecide>().HandleAsync(teams.A,
            new BulkDecide.Command(bs, DecisionOutcome.Revoke, "Cleaning up access across the board."), "t");

        Assert.DoesNotContain(result.Value!.Problems, p => p.Contains(teams.Bea.DisplayName));
    }
}

[Collection(SeededReviewCollection.Name)]
public class KnownBugSeededTests(PortalAppFactory portal)
{
    [Fact]
    public async Task DemoCampaign_NoItemIsAssignedToItsHolderOrTheNhiOwner()
    {
        await using var db = await portal.CreateDbContextAsync();
        var self = await db.ReviewItems.Where(i => i.ReviewerId == i.IdentityId || i.ReviewerId == i.Identity.OwnerId)
            .Select(i => new { i.Id, i.ReviewerId, Holder = i.Identity.DisplayName, i.Identity.Kind }).ToListAsync();
        Assert.Empty(self);
    }
}
