using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Reviews;

namespace ReviewPortal.Tests.Features.Reviews;

/// <summary>
/// "Accept recommendations" says what it will do before doing it: the preview's counts come from the same per-item rules
/// as the apply, cover the selection only when there is one, and never reach an item assigned to someone else.
/// </summary>
public class AcceptRecommendationsPreviewTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private BulkDecide Bulk => portal.GetRequiredService<BulkDecide>();

    private const string LookCloser = "the recommendation is to look closer: decide it yourself";

    [Fact]
    public async Task Preview_NoSelectionWholeFilter_CountsByOutcomeEqualWhatTheApplyDecides()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var matching = await portal.GetRequiredService<ListMyReviewItems>()
            .UndecidedMatchingAsync(teams.A, new ListMyReviewItems.Query { CampaignId = teams.CampaignId });

        var preview = (await Bulk.PreviewRecommendationsAsync(teams.A, matching)).Value!;
        // Nothing is decided by looking.
        Assert.Empty(await teams.DecisionsAsync());
        var applied = (await Bulk.AcceptRecommendationsAsync(teams.A, preview.Items, "accept")).Value!;

        Assert.Equal(5, matching.Count);
        var expected = new Dictionary<DecisionOutcome, int> { [DecisionOutcome.Keep] = 2, [DecisionOutcome.Revoke] = 1, [DecisionOutcome.Reduce] = 1 };
        Assert.Equal(expected.OrderBy(p => p.Key), preview.Outcomes.OrderBy(p => p.Key));
        Assert.Equal([new SkipCount(LookCloser, 1)], preview.Skipped);
        Assert.Equal("2 keep, 1 revoke, 1 reduce", Humanize.OutcomeCounts(preview.Outcomes));
        Assert.Equal(preview.Outcomes.OrderBy(p => p.Key), applied.Decided!.OrderBy(p => p.Key));
        Assert.Equal((preview.ToDecide, preview.Skipped.Sum(s => s.Count)), (applied.Saved, applied.Skipped));
        var stored = (await teams.ItemsAsync()).Where(i => i.ReviewerId == teams.ManagerA.Id && i.Outcome is not null)
            .GroupBy(i => i.Outcome!.Value).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expected.OrderBy(p => p.Key), stored.OrderBy(p => p.Key));
    }

    [Fact]
    public async Task Preview_SelectionOfTwo_CountsAndDecidesOnlyTheSelection()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var keep = await teams.ItemAsync(teams.Alice, teams.User);
        var revoke = await teams.ItemAsync(teams.Aaron, teams.User);

        var preview = (await Bulk.PreviewRecommendationsAsync(teams.A, TwoTeams.Seen(keep, revoke))).Value!;
        var applied = (await Bulk.AcceptRecommendationsAsync(teams.A, preview.Items, "accept")).Value!;

        Assert.Equal("1 keep, 1 revoke", Humanize.OutcomeCounts(preview.Outcomes));
        Assert.Empty(preview.Skipped);
        Assert.Equal((2, 0), (applied.Saved, applied.Skipped));
        Assert.All(await teams.ItemsAsync(), i => Assert.Equal(
            i.Id == keep.Id ? DecisionOutcome.Keep : i.Id == revoke.Id ? DecisionOutcome.Revoke : null, i.Outcome));
    }

    [Fact]
    public async Task Preview_AnotherReviewersItemIdInTheRequest_CountedAsNotYoursAndNeverDecided()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var mine = await teams.ItemAsync(teams.Alice, teams.User);
        var beas = await teams.ItemAsync(teams.Bea, teams.User);
        Assert.Equal(teams.ManagerB.Id, beas.ReviewerId);
        var forged = TwoTeams.Seen(mine, beas);

        var preview = (await Bulk.PreviewRecommendationsAsync(teams.A, [.. forged, new SeenItem(999_999, 0)])).Value!;
        var applied = (await Bulk.AcceptRecommendationsAsync(teams.A, forged, "accept")).Value!;

        Assert.Equal("1 keep", Humanize.OutcomeCounts(preview.Outcomes));
        Assert.Equal([new SkipCount("not assigned to you", 2)], preview.Skipped);
        Assert.Equal((1, 1), (applied.Saved, applied.Skipped));
        Assert.DoesNotContain(applied.Problems, p => p.Contains(teams.Bea.DisplayName, StringComparison.Ordinal));
        Assert.Null((await teams.ItemAsync(beas.Id)).Outcome);
        Assert.Equal(DecisionOutcome.Keep, (await teams.ItemAsync(mine.Id)).Outcome);
    }

    [Fact]
    public async Task Preview_ItemDecidedAfterThePreview_ApplyReportsItChangedAndDoesNotOverwriteIt()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var revoke = await teams.ItemAsync(teams.Aaron, teams.User);
        var preview = (await Bulk.PreviewRecommendationsAsync(teams.A, TwoTeams.Seen(revoke, await teams.ItemAsync(teams.Alice, teams.User)))).Value!;
        var kept = await portal.GetRequiredService<DecideReviewItem>().HandleAsync(teams.A,
            TwoTeams.Command(revoke, DecisionOutcome.Keep, "Still on the project until March."), "elsewhere");
        Assert.True(kept.Ok, kept.Refusal?.Message);

        var applied = (await Bulk.AcceptRecommendationsAsync(teams.A, preview.Items, "accept")).Value!;

        Assert.Equal(1, applied.Saved);
        Assert.Equal([revoke.Id], applied.ChangedMeanwhile);
        Assert.Equal(DecisionOutcome.Keep, (await teams.ItemAsync(revoke.Id)).Outcome);
    }

    [Fact]
    public async Task UndecidedMatching_RevokeFilter_OnlyTheViewersUndecidedRevokeItems()
    {
        var teams = await TwoTeams.LaunchAsync(portal);

        var matching = await portal.GetRequiredService<ListMyReviewItems>().UndecidedMatchingAsync(teams.A,
            new ListMyReviewItems.Query { CampaignId = teams.CampaignId, Recommendation = Recommendation.Revoke, Decided = true });

        var aarons = await teams.ItemAsync(teams.Aaron, teams.User);
        Assert.Equal([new SeenItem(aarons.Id, aarons.Version)], matching);
    }

    [Fact]
    public void Summary_AcceptedAndBulkKeep_SaysWhatWasDoneInWords()
    {
        var decided = new Dictionary<DecisionOutcome, int> { [DecisionOutcome.Revoke] = 2, [DecisionOutcome.Keep] = 1 };

        Assert.Equal("3 item(s) accepted: 1 keep, 2 revoke, 1 skipped", MyReviewsPage.Summary(new BulkResult(3, 1, [], [], decided), "accepted"));
        Assert.Equal("2 item(s) kept", MyReviewsPage.Summary(new BulkResult(2, 0, [], []), Humanize.Decided(DecisionOutcome.Keep)));
        Assert.Equal("matching the filter: recommendation Revoke, search “sam”",
            MyReviewsPage.FilterWords(new ListMyReviewItems.Query { Recommendation = Recommendation.Revoke, Search = " sam " }, null));
    }
}
