using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.E2ETests.Reviews;

namespace ReviewPortal.E2ETests.Campaigns;

/// <summary>
/// Two reviewers of the same name on the campaign dashboard (issue #15, 8), on their own app: renaming a reviewer would
/// change what other tests read.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SameNameReviewersTests(BrowserFixture browser) : IsolatedBrowserTest(browser)
{
    [BrowserFact]
    public async Task Dashboard_TwoReviewersShareAName_EachRowShowsTheirOwnEmail()
    {
        var data = new DemoData(App);
        var demo = await data.DemoCampaignAsync();
        // Two of the demo campaign's reviewers with an email; the second takes the first's name.
        var reviewers = await data.QueryAsync(db => db.ReviewItems.AsNoTracking()
            .Where(i => i.CampaignId == demo.Id && i.Reviewer.Email != null)
            .Select(i => new { i.ReviewerId, i.Reviewer.DisplayName, Email = i.Reviewer.Email! }).Distinct()
            .OrderBy(r => r.ReviewerId).Take(2).ToListAsync());
        Assert.Equal(2, reviewers.Count);
        var (first, second) = (reviewers[0], reviewers[1]);
        await data.QueryAsync(db => db.Identities.Where(i => i.Id == second.ReviewerId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.DisplayName, first.DisplayName)));

        await Personas.SignInAsAsync(Page, Personas.Admin);
        await Page.GotoAsync($"/campaigns/{demo.Id}");
        await BlazorReady.WaitAsync(Page);

        var rows = Page.GetByTestId("reviewer-table").GetByRole(AriaRole.Row);
        await Expect(rows.Filter(new() { HasText = first.DisplayName })).ToHaveCountAsync(2);
        foreach (var reviewer in reviewers)
        {
            var row = rows.Filter(new() { HasText = reviewer.Email });
            await Expect(row).ToHaveCountAsync(1);
            await Expect(row.GetByRole(AriaRole.Link, new() { Name = first.DisplayName, Exact = true }))
                .ToHaveAttributeAsync("href", $"/identities/{reviewer.ReviewerId}");
        }
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }

    [BrowserFact]
    public async Task MyReviews_TwoHoldersShareAName_TwoGroupsEachWithItsEmail()
    {
        var data = new DemoData(App);
        var manager = await data.PersonaAsync(Personas.Manager);
        // Two people in the manager's queue with an email; the second takes the first's name.
        var holders = await data.QueryAsync(db => db.ReviewItems.AsNoTracking()
            .Where(i => i.ReviewerId == manager.IdentityId && i.Outcome == null && i.Identity.Email != null)
            .Select(i => new { i.IdentityId, i.Identity.DisplayName, Email = i.Identity.Email! }).Distinct()
            .OrderBy(h => h.DisplayName).ThenBy(h => h.IdentityId).Take(2).ToListAsync());
        Assert.Equal(2, holders.Count);
        var (first, second) = (holders[0], holders[1]);
        await data.QueryAsync(db => db.Identities.Where(i => i.Id == second.IdentityId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.DisplayName, first.DisplayName)));

        await Personas.SignInAsAsync(Page, Personas.Manager);
        await Page.GotoAsync("/reviews");
        await BlazorReady.WaitAsync(Page);

        var grid = Page.GetByTestId("reviews-grid");
        await Expect(grid.GetByTestId("group-identity-detail").Filter(new() { HasText = first.Email })).ToHaveCountAsync(1);
        await Expect(grid.GetByTestId("group-identity-detail").Filter(new() { HasText = second.Email })).ToHaveCountAsync(1);
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }
}
