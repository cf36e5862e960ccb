using FluentValidation;
using ReviewPortal.Tests.Features.Reviews;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features;

/// <summary>
/// PostgreSQL reads under READ COMMITTED without locking, so a close can commit between the decision's read of the item
/// (campaign active) and its save, inside the decision's own transaction; the decision's conditional update of the
/// campaign row then finds it closed. (SQLite takes its write lock when the unit begins: there the close waits instead.)
/// </summary>
public sealed class DecideWhileClosingPostgresTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    [Fact]
    public async Task Decide_CloseCommitsAfterTheDecisionsReadInsideItsTransaction_ConflictAndNothingSaved()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Alice, teams.User);
        var contexts = HookedContexts.AfterFirstQuery(portal.Database, "\"ReviewItems\"", async () =>
        {
            var closed = await portal.GetRequiredService<CloseCampaign>().HandleAsync(teams.Admin, teams.CampaignId, "close");
            Assert.True(closed.Ok, closed.Refusal?.Message);
        });
        var decide = new DecideReviewItem(contexts, portal.GetRequiredService<IValidator<DecideReviewItem.Command>>(), portal.Time);

        var result = await decide.HandleAsync(teams.A, TwoTeams.Command(item, DecisionOutcome.Keep), "raced");

        Assert.True(contexts.Fired);
        Assert.Equal(RefusalKind.Conflict, result.Refusal?.Kind);
        Assert.Contains("campaign was closed", result.Refusal?.Message, StringComparison.Ordinal);
        var after = await teams.ItemAsync(item.Id);
        Assert.Equal((null, item.Version), (after.Outcome, after.Version));
        Assert.Empty(await teams.DecisionsAsync());
        Assert.Empty(await teams.AuditAsync("review.decided"));
    }

    [Fact]
    public async Task Bulk_CloseCommitsAfterTheBulkReadItsItemsInsideItsTransaction_NothingSavedEachItemReported()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var shown = TwoTeams.Seen(await teams.ItemAsync(teams.Alice, teams.User), await teams.ItemAsync(teams.Aaron, teams.User));
        var contexts = HookedContexts.AfterFirstQuery(portal.Database, "\"ReviewItems\"", async () =>
        {
            var closed = await portal.GetRequiredService<CloseCampaign>().HandleAsync(teams.Admin, teams.CampaignId, "close");
            Assert.True(closed.Ok, closed.Refusal?.Message);
        });
        var bulk = new BulkDecide(contexts, portal.GetRequiredService<DecideReviewItem>(), portal.GetRequiredService<IValidator<BulkDecide.Command>>());

        var result = await bulk.HandleAsync(teams.A, new BulkDecide.Command(shown, DecisionOutcome.Keep, "Both still work here."), "raced");

        Assert.True(contexts.Fired);
        Assert.True(result.Ok, result.Refusal?.Message);
        Assert.Equal((0, 2), (result.Value.Saved, result.Value.Skipped));
        Assert.All(result.Value.Problems, p => Assert.Contains("campaign was closed", p, StringComparison.Ordinal));
        Assert.All(await teams.ItemsAsync(), i => Assert.Null(i.Outcome));
        Assert.Empty(await teams.DecisionsAsync());
        Assert.Empty(await teams.AuditAsync("review.decided"));
    }
}
