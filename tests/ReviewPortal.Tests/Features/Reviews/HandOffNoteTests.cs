using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Reviews;

namespace ReviewPortal.Tests.Features.Reviews;

/// <summary>Issue #14 (5): whoever receives a "don't know" hand-off reads the note in the drawer, and decides the item.</summary>
public class HandOffNoteTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    [Fact]
    public async Task HandedOff_TheNewReviewerOpensIt_SeesWhoHandedItOnAndTheNoteAndMayDecide()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Alice, teams.Developer);
        const string note = "Not my area: Olga knows whether prod still needs Alice.";
        Assert.True((await portal.GetRequiredService<DecideReviewItem>()
            .HandleAsync(teams.A, TwoTeams.Command(item, DecisionOutcome.DontKnow, note), "dont-know")).Ok);
        var olga = TestOrg.Viewer(teams.Olga);

        var opened = await portal.GetRequiredService<GetReviewItem>().HandleAsync(olga, item.Id);

        Assert.True(opened.Ok, opened.Refusal?.Message);
        Assert.True(opened.Value.CanDecide);
        Assert.Null(opened.Value.Outcome);
        Assert.Equal((teams.ManagerA.DisplayName, note), (opened.Value.HandedOff?.From, opened.Value.HandedOff?.Note));
        // The first reviewer no longer holds it.
        Assert.False((await portal.GetRequiredService<GetReviewItem>().HandleAsync(teams.A, item.Id)).Ok);

        var decided = await portal.GetRequiredService<DecideReviewItem>().HandleAsync(olga, TwoTeams.Command(await teams.ItemAsync(item.Id),
            DecisionOutcome.Keep, "Alice ships the prod releases."), "keep");

        Assert.True(decided.Ok, decided.Refusal?.Message);
        var reopened = await portal.GetRequiredService<GetReviewItem>().HandleAsync(olga, item.Id);
        Assert.True(reopened.Ok, reopened.Refusal?.Message);
        Assert.Null(reopened.Value.HandedOff);
        Assert.Equal([DecisionOutcome.DontKnow, DecisionOutcome.Keep], (await teams.DecisionsAsync()).Select(d => d.Outcome));
    }
}
