using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Reviews;

/// <summary>
/// Reviewer A can neither read nor decide reviewer B's items through any handler; Compliance reads
/// everything and changes nothing. The handlers are the control, whatever the UI shows.
/// </summary>
public class ReviewerIsolationTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private T Handler<T>() where T : notnull => portal.GetRequiredService<T>();

    [Fact]
    public async Task ListMyReviewItems_ReviewerA_ReturnsExactlyTheItemsAssignedToA()
    {
        var teams = await TwoTeams.LaunchAsync(portal);

        var queue = (await Handler<ListMyReviewItems>().HandleAsync(teams.A, new ListMyReviewItems.Query { CampaignId = teams.CampaignId })).Value!;

        var expected = (await teams.ItemsAsync()).Where(i => i.ReviewerId == teams.ManagerA.Id).Select(i => i.Id).Order().ToList();
        Assert.Equal(5, expected.Count);
        Assert.Equal(expected, queue.Rows.Select(r => r.Id).Order());
        Assert.Equal(5, queue.Total);
        Assert.DoesNotContain(queue.Rows, r => r.IdentityId == teams.Bea.Id);
    }

    [Fact]
    public async Task GetReviewItem_ReviewerAOpensBsItem_Forbidden()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var beas = await teams.ItemAsync(teams.Bea, teams.User);

        var view = await Handler<GetReviewItem>().HandleAsync(teams.A, beas.Id);

        Assert.Equal(RefusalKind.Forbidden, view.Refusal?.Kind);
    }

    [Fact]
    public async Task DecideReviewItem_ReviewerADecidesBsItem_ForbiddenAndUnchanged()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var beas = await teams.ItemAsync(teams.Bea, teams.User);

        var result = await Handler<DecideReviewItem>().HandleAsync(teams.A,
            TwoTeams.Command(beas, DecisionOutcome.Revoke, "Not on my team any more."), "test");

        Assert.Equal(RefusalKind.Forbidden, result.Refusal?.Kind);
        var after = await teams.ItemAsync(teams.Bea, teams.User);
        Assert.Null(after.Outcome);
        Assert.Equal(beas.Version, after.Version);
        Assert.Empty(await teams.DecisionsAsync());
        Assert.Empty(await teams.AuditAsync("review.decided"));
    }

    [Fact]
    public async Task BulkDecide_ReviewerAWithBsIds_AllSkippedNothingChanged()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var bs = TwoTeams.Seen((await teams.ItemsAsync()).Where(i => i.ReviewerId == teams.ManagerB.Id));
        Assert.Equal(2, bs.Count);

        var result = await Handler<BulkDecide>().HandleAsync(teams.A,
            new BulkDecide.Command(bs, DecisionOutcome.Revoke, "Cleaning up access across the board."), "test");

        Assert.Equal(0, result.Value!.Saved);
        Assert.Equal(2, result.Value.Skipped);
        Assert.All(await teams.ItemsAsync(), i => Assert.Null(i.Outcome));
        Assert.Empty(await teams.DecisionsAsync());
    }

    [Fact]
    public async Task AcceptRecommendations_ReviewerA_DecidesOnlyAsItems()
    {
        var teams = await TwoTeams.LaunchAsync(portal);

        // A's own rows as shown, plus B's items forged into the request: only A's are decided.
        var bs = TwoTeams.Seen((await teams.ItemsAsync()).Where(i => i.ReviewerId == teams.ManagerB.Id));
        var result = await Handler<BulkDecide>().AcceptRecommendationsAsync(teams.A, [.. await teams.AcceptableOnScreenAsync(teams.A), .. bs], "test");

        var items = await teams.ItemsAsync();
        Assert.Equal(4, result.Value!.Saved);
        Assert.All(items.Where(i => i.ReviewerId == teams.ManagerB.Id), i => Assert.Null(i.Outcome));
        Assert.All(await teams.DecisionsAsync(), d => Assert.Equal(teams.ManagerA.Id, d.DecidedById));
    }

    [Fact]
    public async Task Compliance_DecidesBulkDecidesOrAcceptsRecommendations_ForbiddenAndNothingChanges()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var items = await teams.ItemsAsync();
        var beas = await teams.ItemAsync(teams.Bea, teams.User);

        var single = await Handler<DecideReviewItem>().HandleAsync(teams.Compliance, TwoTeams.Command(beas, DecisionOutcome.Keep), "test");
        var bulk = await Handler<BulkDecide>().HandleAsync(teams.Compliance,
            new BulkDecide.Command(TwoTeams.Seen(items), DecisionOutcome.Keep, null), "test");
        var accepted = await Handler<BulkDecide>().AcceptRecommendationsAsync(teams.Compliance, TwoTeams.Seen(items), "test");

        Assert.Equal(RefusalKind.Forbidden, single.Refusal?.Kind);
        Assert.Equal((0, items.Count), (bulk.Value!.Saved, bulk.Value.Skipped));
        Assert.Equal(0, accepted.Value!.Saved);
        Assert.All(await teams.ItemsAsync(), i => Assert.Null(i.Outcome));
        Assert.Empty(await teams.DecisionsAsync());
    }
}
