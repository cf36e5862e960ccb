using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.E2ETests.Reviews;

[Collection(BrowserCollection.Name)]
public sealed class KeyboardReviewTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private readonly DemoData _data = new(app);

    [BrowserFact]
    public async Task Manager_PressesKOnKeepRecommendedItem_DecidesKeepAndMovesToNext_NMovesOn()
    {
        var manager = await _data.PersonaAsync(Personas.Manager);
        // Keep-recommended: keeping needs no justification, so K alone decides it.
        var keeps = await _data.UndecidedAsync(manager.IdentityId, Recommendation.Keep);
        Assert.True(keeps.Count >= 3, $"The manager has {keeps.Count} undecided Keep-recommended items; the test needs three.");
        var (first, second, third) = (keeps[0], keeps[1], keeps[2]);

        await Personas.SignInAsAsync(Page, Personas.Manager);
        await Page.GotoAsync("/reviews");
        await BlazorReady.WaitAsync(Page);
        await MudInputs.SelectAsync(Page, Page.GetByTestId("filter-recommendation"), "Keep");
        var grid = Page.GetByTestId("reviews-grid");
        await Expect(grid.GetByTestId("open-item").First).ToHaveAttributeAsync("aria-label", first.OpenButtonName);
        await BlazorReady.SettledAsync(Page);

        await grid.GetByTestId("open-item").First.ClickAsync();
        var panel = Page.GetByTestId("item-drawer").GetByTestId("review-item-panel");
        await Expect(panel.GetByTestId("evidence-hash")).ToHaveTextAsync(first.EvidenceHash);
        // The shortcut must not fire from a text field; focus is on the Open button here.
        Assert.False(await Page.EvaluateAsync<bool>("() => ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement?.tagName)"));

        await Page.Keyboard.PressAsync("k");
        await Expect(Page.GetByText("Saved: Keep")).ToBeVisibleAsync();
        // The decided item leaves the undecided list; the drawer shows the next one.
        await Expect(panel.GetByTestId("evidence-hash")).ToHaveTextAsync(second.EvidenceHash);
        var stored = await _data.ItemAsync(first.Id);
        Assert.Equal(DecisionOutcome.Keep, stored.Outcome);
        Assert.Equal(manager.IdentityId, stored.DecidedById);
        Assert.Equal(DecisionOutcome.Keep, Assert.Single(await _data.DecisionsAsync(first.Id)).Outcome);
        Assert.Null((await _data.ItemAsync(second.Id)).Outcome);

        await Page.Keyboard.PressAsync("n");
        await Expect(panel.GetByTestId("evidence-hash")).ToHaveTextAsync(third.EvidenceHash);
        Assert.Null((await _data.ItemAsync(second.Id)).Outcome);
    }
}
