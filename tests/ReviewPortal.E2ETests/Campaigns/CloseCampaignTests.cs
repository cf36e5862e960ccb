using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.E2ETests.Reviews;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.E2ETests.Campaigns;

/// <summary>Closing the demo campaign, on its own app (closing it empties every reviewer's queue).</summary>
[Collection(BrowserCollection.Name)]
public sealed class CloseCampaignTests(BrowserFixture browser) : IsolatedBrowserTest(browser)
{
    [BrowserFact]
    public async Task Admin_ClosesDemoCampaign_RemediationTableListsATaskPerRevokeDecision()
    {
        var data = new DemoData(App);
        var demo = await data.DemoCampaignAsync();
        var manager = await data.PersonaAsync(Personas.Manager);

        // Arrange: the manager accepts the recommendations (the same handler as the page's "Accept recommendations"), for
        // every undecided item of theirs in the demo campaign, at the versions stored now.
        var acceptable = await data.QueryAsync(db => db.ReviewItems.AsNoTracking()
            .Where(i => i.CampaignId == demo.Id && i.ReviewerId == manager.IdentityId && i.Outcome == null && i.Recommendation != Recommendation.LookCloser)
            .Select(i => new SeenItem(i.Id, i.Version)).ToListAsync());
        using (var scope = App.Services.CreateScope())
        {
            var bulk = scope.ServiceProvider.GetRequiredService<BulkDecide>();
            var result = await bulk.AcceptRecommendationsAsync(new Viewer(manager.IdentityId, manager.FullName, new HashSet<string>()), acceptable, "e2e-arrange");
            Assert.True(result.Value?.Saved > 0, "Accepting the manager's recommendations decided nothing.");
        }
        var revoked = await data.QueryAsync(db => db.ReviewItems.AsNoTracking()
            .Where(i => i.CampaignId == demo.Id && i.DecidedById == manager.IdentityId && i.Outcome == DecisionOutcome.Revoke)
            .Select(i => new { Identity = i.Identity.DisplayName, Entitlement = i.Entitlement.DisplayName }).ToListAsync());
        Assert.NotEmpty(revoked);
        // Demo default for silence is "No change": a task per final revoke/reduce, nothing for undecided items.
        var expectedTasks = await data.QueryAsync(async db => (await db.ReviewItems.AsNoTracking().Where(i => i.CampaignId == demo.Id)
                .Select(i => new { i.GrantId, i.Stage, i.Outcome }).ToListAsync())
            .GroupBy(i => i.GrantId).Select(g => g.OrderByDescending(i => i.Stage).First())
            .Count(i => i.Outcome is DecisionOutcome.Revoke or DecisionOutcome.Reduce));

        await Personas.SignInAsAsync(Page, Personas.Admin);
        await Page.GotoAsync($"/campaigns/{demo.Id}");
        await BlazorReady.WaitAsync(Page);
        var remediation = Page.GetByTestId("remediation-table");
        await Expect(remediation).ToContainTextAsync("Tasks are created when the campaign closes.");
        await Expect(remediation.GetByTestId("remediation-status")).ToHaveCountAsync(0);

        await Page.GetByTestId("close-campaign").ClickAsync();
        await Page.GetByTestId("confirm-close").ClickAsync();

        await Expect(Page.GetByTestId("close-campaign")).ToHaveCountAsync(0);
        await Expect(remediation.GetByTestId("remediation-status")).ToHaveCountAsync(expectedTasks);
        foreach (var item in revoked)
        {
            var row = remediation.GetByRole(AriaRole.Row).Filter(new() { HasText = item.Identity }).Filter(new() { HasText = item.Entitlement });
            await Expect(row.First).ToBeVisibleAsync();
        }
        var statuses = Enum.GetValues<RemediationStatus>().Select(ReviewPortal.Web.Features.Remediation.RemediationStatusChip.Text).ToList();
        foreach (var chip in await remediation.GetByTestId("remediation-status").AllAsync())
        {
            Assert.Contains((await chip.InnerTextAsync()).Trim(), statuses);
        }
        var closed = await data.QueryAsync(db => db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == demo.Id));
        Assert.Equal(CampaignStatus.Closed, closed.Status);
        Assert.Equal(expectedTasks, await data.QueryAsync(db => db.RemediationTasks.CountAsync(t => db.ReviewItems.Any(i => i.Id == t.ReviewItemId && i.CampaignId == demo.Id))));
        await Accessibility.WaitForAnimationsAsync(Page);
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }
}
