using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Reviews;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>
/// An admin moves all of one reviewer's undecided items in a campaign to another person: decided items stay, items about
/// the new reviewer (or a key they own) are refused one by one with the reason, non-admins are refused.
/// </summary>
public class ReassignReviewerItemsTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private ReassignReviewerItems Handler => portal.GetRequiredService<ReassignReviewerItems>();

    private Task<Result<ReviewItemHandOver.Report>> ReassignAsync(TwoTeams teams, Identity from, Identity to, Viewer? viewer = null) =>
        Handler.HandleAsync(viewer ?? teams.Admin,
            new ReassignReviewerItems.Command { CampaignId = teams.CampaignId, FromReviewerId = from.Id, ToReviewerId = to.Id }, "test-bulk");

    private static async Task DecideAsync(TwoTeams teams, ReviewItem item)
    {
        var decided = await teams.Portal.GetRequiredService<DecideReviewItem>().HandleAsync(teams.A,
            TwoTeams.Command(item, DecisionOutcome.Revoke, "Dormant for over a month."), "test");
        Assert.True(decided.Ok, decided.Refusal?.Message);
    }

    [Fact]
    public async Task Reassign_AllUndecidedItemsMoved_DecidedOneUntouched_AuditedPerItem()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var aarons = await teams.ItemAsync(teams.Aaron, teams.User);
        await DecideAsync(teams, aarons);
        var before = (await teams.ItemsAsync()).Where(i => i.ReviewerId == teams.ManagerA.Id && i.Outcome == null).ToList();
        Assert.Equal(4, before.Count);

        var result = await ReassignAsync(teams, teams.ManagerA, teams.ManagerB);

        Assert.True(result.Ok, result.Refusal?.Message);
        Assert.Equal(4, result.Value.Moved);
        Assert.Empty(result.Value.NotMoved);
        var after = await teams.ItemsAsync();
        Assert.All(before, b => Assert.Equal(teams.ManagerB.Id, after.Single(i => i.Id == b.Id).ReviewerId));
        var decided = after.Single(i => i.Id == aarons.Id);
        Assert.Equal(teams.ManagerA.Id, decided.ReviewerId);
        Assert.Equal(DecisionOutcome.Revoke, decided.Outcome);
        var entries = await teams.AuditAsync(ReassignReviewerItems.AuditAction);
        Assert.Equal(before.Select(i => i.Id.ToString()).Order(), entries.Select(e => e.TargetId).Order());
    }

    [Fact]
    public async Task Reassign_ToAHolderOfSomeItems_ThoseRefusedPerItemWithTheReason_RestMoved()
    {
        var teams = await TwoTeams.LaunchAsync(portal);

        var result = await ReassignAsync(teams, teams.ManagerA, teams.Alice);

        Assert.True(result.Ok, result.Refusal?.Message);
        var alices = (await teams.ItemsAsync()).Where(i => i.IdentityId == teams.Alice.Id).ToList();
        Assert.Equal(3, alices.Count);
        Assert.Equal(alices.Select(i => i.Id).Order(), result.Value.NotMoved.Select(n => n.ItemId).Order());
        Assert.All(result.Value.NotMoved, n => Assert.Equal("It is about the new reviewer's own access: nobody reviews themselves.", n.Reason));
        Assert.All(alices, i => Assert.Equal(teams.ManagerA.Id, i.ReviewerId));
        Assert.Equal(2, result.Value.Moved);
        Assert.Equal(teams.Alice.Id, (await teams.ItemAsync(teams.Aaron, teams.User)).ReviewerId);
        Assert.Equal(teams.Alice.Id, (await teams.ItemAsync(teams.GonesKey, teams.KeyActive)).ReviewerId);
    }

    [Fact]
    public async Task Reassign_ToTheOwnerOfAKeyUnderReview_KeyRefused()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        await using (var db = await portal.CreateDbContextAsync())
        {
            // Gone's key passes to Bea (as a lifecycle review would): Bea owns it now.
            await db.Identities.Where(i => i.Id == teams.GonesKey.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.OwnerId, teams.Bea.Id));
        }

        var result = await ReassignAsync(teams, teams.ManagerA, teams.Bea);

        Assert.True(result.Ok, result.Refusal?.Message);
        var key = await teams.ItemAsync(teams.GonesKey, teams.KeyActive);
        var refused = Assert.Single(result.Value.NotMoved);
        Assert.Equal(key.Id, refused.ItemId);
        Assert.Equal("The new reviewer owns this key: nobody reviews a key they own.", refused.Reason);
        Assert.Equal(teams.ManagerA.Id, key.ReviewerId);
        Assert.Equal(4, result.Value.Moved);
    }

    [Fact]
    public async Task Reassign_ByANonAdmin_ForbiddenAndNothingMoved()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var before = await teams.ItemsAsync();

        var byReviewer = await ReassignAsync(teams, teams.ManagerA, teams.ManagerB, teams.A);
        var byCompliance = await ReassignAsync(teams, teams.ManagerA, teams.ManagerB, teams.Compliance);

        Assert.Equal(RefusalKind.Forbidden, byReviewer.Refusal?.Kind);
        Assert.Equal(RefusalKind.Forbidden, byCompliance.Refusal?.Kind);
        Assert.Equal(before.Select(i => (i.Id, i.ReviewerId, i.Version)), (await teams.ItemsAsync()).Select(i => (i.Id, i.ReviewerId, i.Version)));
        Assert.Empty(await teams.AuditAsync(ReassignReviewerItems.AuditAction));
    }

    [Fact]
    public async Task Reassign_ToTheSameReviewerOrNobody_RefusedWithFieldMessages()
    {
        var teams = await TwoTeams.LaunchAsync(portal);

        var same = await ReassignAsync(teams, teams.ManagerA, teams.ManagerA);
        var nobody = await Handler.HandleAsync(teams.Admin,
            new ReassignReviewerItems.Command { CampaignId = teams.CampaignId, FromReviewerId = teams.ManagerA.Id }, "test");

        Assert.Equal("Choose someone other than the current reviewer.", same.Refusal?.FieldErrors?["ToReviewerId"]);
        Assert.Equal("Choose who should review them instead.", nobody.Refusal?.FieldErrors?["ToReviewerId"]);
    }
}
