using ReviewPortal.Tests.Features.Reviews;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>
/// The campaign dashboard's drill-down: the items behind each figure (a reviewer's items, an outcome's items, the
/// undecided ones), with who decided what, when and why; admins and compliance only.
/// </summary>
public class ListCampaignItemsTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private ListCampaignItems Handler => portal.GetRequiredService<ListCampaignItems>();

    [Fact]
    public async Task Filters_ByReviewerOutcomeAndUndecided_MatchTheStoredItems_WithWhoDecidedAndWhy()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var aarons = await teams.ItemAsync(teams.Aaron, teams.User);
        var decided = await portal.GetRequiredService<DecideReviewItem>().HandleAsync(teams.A,
            TwoTeams.Command(aarons, DecisionOutcome.Revoke, "Left the project in October."), "test");
        Assert.True(decided.Ok, decided.Refusal?.Message);
        var items = await teams.ItemsAsync();

        var all = await Handler.HandleAsync(teams.Admin, teams.CampaignId, new ListCampaignItems.Query { PageSize = 200 });
        Assert.True(all.Ok, all.Refusal?.Message);
        Assert.Equal(items.Count, all.Value.Total);
        Assert.Equal(items.Select(i => i.Id).Order(), all.Value.Rows.Select(r => r.Id).Order());

        var managerA = await Handler.HandleAsync(teams.Compliance, teams.CampaignId,
            new ListCampaignItems.Query { ReviewerId = teams.ManagerA.Id, PageSize = 200 });
        Assert.True(managerA.Ok, managerA.Refusal?.Message);
        Assert.Equal(items.Where(i => i.ReviewerId == teams.ManagerA.Id).Select(i => i.Id).Order(),
            managerA.Value.Rows.Select(r => r.Id).Order());
        Assert.Equal(teams.ManagerA.DisplayName, managerA.Value.ReviewerName);

        var revoked = Assert.Single((await Handler.HandleAsync(teams.Admin, teams.CampaignId,
            new ListCampaignItems.Query { Outcome = DecisionOutcome.Revoke })).Value!.Rows);
        Assert.Equal(aarons.Id, revoked.Id);
        Assert.Equal(teams.ManagerA.DisplayName, revoked.DecidedBy);
        Assert.Equal("Left the project in October.", revoked.Justification);
        Assert.NotNull(revoked.DecidedAt);

        var undecided = await Handler.HandleAsync(teams.Admin, teams.CampaignId,
            new ListCampaignItems.Query { Undecided = true, PageSize = 200 });
        Assert.True(undecided.Ok, undecided.Refusal?.Message);
        Assert.Equal(items.Count - 1, undecided.Value.Total);
        Assert.DoesNotContain(undecided.Value.Rows, r => r.Id == aarons.Id);
        Assert.All(undecided.Value.Rows, r => Assert.Null(r.Outcome));
    }

    [Fact]
    public async Task Paging_TotalIsTheFilteredCount_PagesDoNotOverlap()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var count = (await teams.ItemsAsync()).Count;
        Assert.True(count > 3, $"The campaign has {count} items; the test needs more than 3.");

        var first = (await Handler.HandleAsync(teams.Admin, teams.CampaignId, new ListCampaignItems.Query { Page = 0, PageSize = 3 })).Value!;
        var second = (await Handler.HandleAsync(teams.Admin, teams.CampaignId, new ListCampaignItems.Query { Page = 1, PageSize = 3 })).Value!;

        Assert.Equal(count, first.Total);
        Assert.Equal(3, first.Rows.Count);
        Assert.Empty(first.Rows.Select(r => r.Id).Intersect(second.Rows.Select(r => r.Id)));
    }

    [Fact]
    public async Task Reviewer_EvenOfThisCampaign_Refused_UnknownCampaignNotFound()
    {
        var teams = await TwoTeams.LaunchAsync(portal);

        var reviewer = await Handler.HandleAsync(teams.A, teams.CampaignId, new ListCampaignItems.Query());
        Assert.False(reviewer.Ok);
        Assert.Equal(RefusalKind.Forbidden, reviewer.Refusal!.Kind);

        var missing = await Handler.HandleAsync(teams.Admin, int.MaxValue, new ListCampaignItems.Query());
        Assert.Equal(RefusalKind.NotFound, missing.Refusal!.Kind);
    }
}
