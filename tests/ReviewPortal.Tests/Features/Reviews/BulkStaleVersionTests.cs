using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Reviews;

namespace ReviewPortal.Tests.Features.Reviews;

/// <summary>
/// Issue #14 (7): a bulk decision carries the version of each row as the reviewer's list showed it. A row that changed
/// since (decided in another tab) is reported back as changed meanwhile and left as the other change set it; the rest of
/// the selection is saved.
/// </summary>
public class BulkStaleVersionTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private BulkDecide Bulk => portal.GetRequiredService<BulkDecide>();

    /// <summary>The reviewer decides the item elsewhere (the detail panel in another tab) after their list was read.</summary>
    private async Task DecideElsewhereAsync(TwoTeams teams, ReviewItem item, DecisionOutcome outcome, string justification)
    {
        var decided = await portal.GetRequiredService<DecideReviewItem>()
            .HandleAsync(teams.A, TwoTeams.Command(await teams.ItemAsync(item.Id), outcome, justification), "elsewhere");
        Assert.True(decided.Ok, decided.Refusal?.Message);
    }

    [Fact]
    public async Task Bulk_OneRowDecidedElsewhereAfterTheListWasRead_OtherRowSavedStaleRowReportedAndLeftAsDecided()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var alice = await teams.ItemAsync(teams.Alice, teams.User);
        var aaron = await teams.ItemAsync(teams.Aaron, teams.User);
        var shown = TwoTeams.Seen(alice, aaron);
        await DecideElsewhereAsync(teams, aaron, DecisionOutcome.Revoke, "Left the project in October.");

        var result = await Bulk.HandleAsync(teams.A, new BulkDecide.Command(shown, DecisionOutcome.Keep, "Still needed by the team."), "bulk");

        Assert.True(result.Ok, result.Refusal?.Message);
        Assert.Equal((1, 0), (result.Value.Saved, result.Value.Skipped));
        Assert.Equal([aaron.Id], result.Value.ChangedMeanwhile);
        Assert.Equal((DecisionOutcome.Keep, "Still needed by the team."), ((await teams.ItemAsync(alice.Id)).Outcome, (await teams.ItemAsync(alice.Id)).Justification));
        var left = await teams.ItemAsync(aaron.Id);
        Assert.Equal((DecisionOutcome.Revoke, "Left the project in October.", aaron.Version + 1), (left.Outcome, left.Justification, left.Version));
        Assert.Equal(DecisionOutcome.Revoke, Assert.Single(await teams.DecisionsAsync(), d => d.ReviewItemId == aaron.Id).Outcome);
        var entries = await teams.AuditAsync("review.decided");
        Assert.Equal(["elsewhere", "bulk"], entries.Select(e => e.CorrelationId));
        Assert.Equal("12 item(s) kept, 1 changed meanwhile: reload to see it",
            MyReviewsPage.Summary(new BulkResult(12, 0, [], [aaron.Id]), "kept"));
    }

    [Fact]
    public async Task AcceptRecommendations_OneShownRowDecidedElsewhere_OthersAcceptedStaleRowReportedAndLeftAsDecided()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var shown = await teams.AcceptableOnScreenAsync(teams.A);
        var prodAdmin = await teams.ItemAsync(teams.Alice, teams.ProdAdmin);
        Assert.Equal(4, shown.Count);
        Assert.Contains(shown, s => (s.ItemId, s.ExpectedVersion) == (prodAdmin.Id, prodAdmin.Version));
        // Recommended Reduce; the reviewer keeps it in the panel, with reasons, after the list was read.
        await DecideElsewhereAsync(teams, prodAdmin, DecisionOutcome.Keep, "Runs the migration until March.");

        var result = await Bulk.AcceptRecommendationsAsync(teams.A, shown, "accept");

        Assert.True(result.Ok, result.Refusal?.Message);
        Assert.Equal((3, 0), (result.Value.Saved, result.Value.Skipped));
        Assert.Equal([prodAdmin.Id], result.Value.ChangedMeanwhile);
        var left = await teams.ItemAsync(prodAdmin.Id);
        Assert.Equal((DecisionOutcome.Keep, "Runs the migration until March.", (int?)null), (left.Outcome, left.Justification, left.ReducedToEntitlementId));
        Assert.Equal(DecisionOutcome.Revoke, (await teams.ItemAsync(teams.Aaron, teams.User)).Outcome);
        Assert.Equal(4, (await teams.AuditAsync("review.decided")).Count);
    }
}
