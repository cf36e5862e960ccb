using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.E2ETests.Reviews;

/// <summary>
/// Exception review (issue #16, 4): a campaign launched with an auto-keep policy shows the reviewer only the exceptions by
/// default; the "Exceptions only" switch off lists the auto-kept items too, marked "Auto-kept". On its own app: the launch
/// adds a campaign to the manager's queue, which other tests read.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ExceptionReviewTests(BrowserFixture browser) : IsolatedBrowserTest(browser)
{
    [BrowserFact]
    public async Task MyReviews_ExceptionsOnlyByDefault_AutoKeptItemListedAndLabelledOnlyWithTheSwitchOff()
    {
        var data = new DemoData(App);
        var admin = await data.PersonaAsync(Personas.Admin);
        var manager = await data.PersonaAsync(Personas.Manager);
        var definition = new CampaignDefinition
        {
            Name = "E2E exception review",
            EntitlementKinds = [.. Enum.GetValues<EntitlementKind>()],
            IdentityKinds = [IdentityKind.Person],
            Reviewer = ReviewerRule.Manager,
            FallbackReviewerId = admin.IdentityId,
            DueAt = DateTimeOffset.UtcNow.AddDays(14),
            AutoKeep = new AutoKeepPolicy { MinActiveDays = 1, RequireWithinPeers = false },
        };
        int campaignId;
        using (var scope = App.Services.CreateScope())
        {
            var launched = await scope.ServiceProvider.GetRequiredService<LaunchCampaign>()
                .HandleAsync(new Viewer(admin.IdentityId, admin.FullName, admin.Roles.ToHashSet()), definition, "e2e-exception-review");
            Assert.True(launched.Ok, launched.Refusal?.Message);
            campaignId = launched.Value.CampaignId;
        }
        // An auto-kept item of the manager's whose holder also has an exception here, so the narrowed list is known to have loaded.
        var kept = await data.QueryAsync(db => db.ReviewItems.AsNoTracking()
            .Where(i => i.CampaignId == campaignId && i.ReviewerId == manager.IdentityId && i.AutoKept)
            .Select(i => new
            {
                i.Id, Holder = i.Identity.DisplayName,
                Exception = db.ReviewItems.Where(e => e.CampaignId == campaignId && e.ReviewerId == manager.IdentityId && !e.AutoKept && e.IdentityId == i.IdentityId)
                    .Select(e => (long?)e.Id).FirstOrDefault(),
            })
            .Where(i => i.Exception != null).OrderBy(i => i.Id).FirstOrDefaultAsync());
        Assert.True(kept is not null, "The demo manager has no auto-kept item whose holder also has an exception in the new campaign.");

        await Personas.SignInAsAsync(Page, Personas.Manager);
        await Page.GotoAsync($"/reviews?campaign={campaignId}");
        await BlazorReady.WaitAsync(Page);
        await MudInputs.SelectAsync(Page, Page.GetByTestId("filter-decided"), "All");
        await Page.GetByLabel("Search identity or entitlement").FillAsync(kept.Holder);
        var grid = Page.GetByTestId("reviews-grid");
        var keptButton = grid.Locator($"[data-testid=open-item][data-item-id='{kept.Id}']");
        var exceptionButton = grid.Locator($"[data-testid=open-item][data-item-id='{kept.Exception}']");
        var exceptionsOnly = Page.GetByRole(AriaRole.Switch, new() { Name = "Exceptions only" });

        await Expect(exceptionsOnly).ToBeCheckedAsync();
        await Expect(exceptionButton).ToBeVisibleAsync();
        await Expect(keptButton).ToHaveCountAsync(0);
        await Expect(grid.GetByTestId("row-auto-kept")).ToHaveCountAsync(0);
        await Accessibility.AssertNoSeriousViolationsAsync(Page);

        await exceptionsOnly.UncheckAsync();

        await Expect(keptButton).ToBeVisibleAsync();
        // The row filter's inner locator is taken relative to each row, so it starts from the page, not the grid.
        var keptRow = grid.GetByRole(AriaRole.Row).Filter(new() { Has = Page.Locator($"[data-testid=open-item][data-item-id='{kept.Id}']") });
        await Expect(keptRow.GetByTestId("row-auto-kept")).ToHaveTextAsync("Auto-kept");
        await Expect(exceptionButton).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }
}
