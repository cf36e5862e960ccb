using FluentValidation;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Reviews;

/// <summary>
/// Issue #14 (7): a decision lands only while its campaign is active, checked in the decision's own transaction, so a
/// close and a decision serialise whichever commits first. The reviewer opened the item while the campaign was open.
/// </summary>
public class DecideAfterCloseTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private async Task CloseAsync(TwoTeams teams)
    {
        var closed = await portal.GetRequiredService<CloseCampaign>().HandleAsync(teams.Admin, teams.CampaignId, "close");
        Assert.True(closed.Ok, closed.Refusal?.Message);
    }

    private static async Task AssertNotSavedAsync(TwoTeams teams, ReviewItemView opened, Result<int> result)
    {
        Assert.Equal(RefusalKind.Conflict, result.Refusal?.Kind);
        Assert.Contains("campaign was closed", result.Refusal?.Message, StringComparison.Ordinal);
        Assert.Contains("not saved", result.Refusal?.Message, StringComparison.Ordinal);
        var after = await teams.ItemAsync(opened.Id);
        Assert.Null(after.Outcome);
        Assert.Equal(opened.Version, after.Version);
        Assert.Empty(await teams.DecisionsAsync());
        Assert.Empty(await teams.AuditAsync("review.decided"));
    }

    private async Task<ReviewItemView> OpenAsync(TwoTeams teams, long itemId)
    {
        var opened = await portal.GetRequiredService<GetReviewItem>().HandleAsync(teams.A, itemId);
        Assert.True(opened.Ok, opened.Refusal?.Message);
        Assert.True(opened.Value.CanDecide);
        return opened.Value;
    }

    private static DecideReviewItem.Command Keep(ReviewItemView opened) => new()
    {
        ItemId = opened.Id, Outcome = DecisionOutcome.Keep, ExpectedVersion = opened.Version, EvidenceHash = opened.EvidenceHash,
    };

    [Fact]
    public async Task Decide_CampaignClosedAfterTheReviewerOpenedTheItem_ConflictAndNothingSaved()
    {
        // No default for silence: the close leaves the item (and its version) as it was.
        var teams = await TwoTeams.LaunchAsync(portal);
        var opened = await OpenAsync(teams, (await teams.ItemAsync(teams.Alice, teams.User)).Id);
        await CloseAsync(teams);

        var result = await portal.GetRequiredService<DecideReviewItem>().HandleAsync(teams.A, Keep(opened), "late");

        await AssertNotSavedAsync(teams, opened, result);
    }

    [Fact]
    public async Task Decide_CampaignClosesAfterTheDecisionReadTheItemBeforeItSaves_ConflictAndNothingSaved()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var opened = await OpenAsync(teams, (await teams.ItemAsync(teams.Alice, teams.User)).Id);
        // The close commits at the moment the decision opens its saving transaction: after the old handler had read the
        // item (campaign active) and before it saved, which is where the old handler let the decision land.
        var contexts = HookedContexts.BeforeFirstTransaction(portal.Database, () => CloseAsync(teams));
        var decide = new DecideReviewItem(contexts, portal.GetRequiredService<IValidator<DecideReviewItem.Command>>(), portal.Time);

        var result = await decide.HandleAsync(teams.A, Keep(opened), "raced");

        Assert.True(contexts.Fired);
        await AssertNotSavedAsync(teams, opened, result);
    }
}
