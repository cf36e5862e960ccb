using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.E2ETests.Reviews;

/// <summary>
/// The keyboard-only review journey (issue #15, acceptance): after signing in, no mouse. A skip link reaches the first
/// item, Enter opens it with focus in the drawer, three items are decided with the shortcuts (a justification typed
/// where one is needed), Escape closes the drawer and focus is back on the row. On its own app: it decides items.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class KeyboardOnlyJourneyTests(BrowserFixture browser) : IsolatedBrowserTest(browser)
{
    private const string IsField = "['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)";

    [BrowserFact]
    public async Task Manager_KeyboardOnly_OpensFirstItem_DecidesThreeWithShortcuts_EscapeReturnsFocusToTheRow()
    {
        var data = new DemoData(App);
        var manager = await data.PersonaAsync(Personas.Manager);
        var queue = await data.UndecidedQueueAsync(manager.IdentityId);
        Assert.True(queue.Count >= 4, $"The manager has {queue.Count} undecided items; the journey needs four.");

        await Personas.SignInAsAsync(Page, Personas.Manager);
        await Page.GotoAsync("/reviews");
        await BlazorReady.WaitAsync(Page);
        var grid = Page.GetByTestId("reviews-grid");
        await Expect(grid.GetByTestId("open-item").First).ToHaveAttributeAsync("aria-label", queue[0].OpenButtonName);

        // From here on, only the keyboard.
        await Keyboard.TabUntilAsync(Page, "el => el.tagName === 'A' && /skip to review items/i.test(el.textContent)", max: 2);
        await Page.Keyboard.PressAsync("Enter");
        await Expect(grid.GetByRole(AriaRole.Button, new() { Name = queue[0].OpenButtonName, Exact = true })).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("Enter");

        var drawer = Page.GetByTestId("item-drawer");
        var panel = drawer.GetByTestId("review-item-panel");
        await Expect(panel.GetByTestId("evidence-hash")).ToHaveTextAsync(queue[0].EvidenceHash);
        await Expect(panel.GetByRole(AriaRole.Heading, new() { Name = queue[0].Identity, Level = 2 })).ToBeFocusedAsync();
        await Expect(panel.GetByRole(AriaRole.Button, new() { Name = "Keep", Exact = true })).ToHaveAttributeAsync("aria-keyshortcuts", "K");
        await Expect(panel.GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true })).ToHaveAttributeAsync("aria-keyshortcuts", "R");
        await Accessibility.AssertNoSeriousViolationsAsync(Page);

        const string because = "The project this access was for has ended.";
        var expected = new List<(ItemFacts Item, DecisionOutcome Outcome)>();
        for (var i = 0; i < 3; i++)
        {
            var item = queue[i];
            await Expect(panel.GetByTestId("evidence-hash")).ToHaveTextAsync(item.EvidenceHash);
            if (item.Recommendation == Recommendation.Keep)
            {
                // Keeping what the evidence says to keep needs no words: K alone.
                await Page.Keyboard.PressAsync("k");
                expected.Add((item, DecisionOutcome.Keep));
            }
            else
            {
                // Tab to the justification, type it, Tab out of the fields (shortcuts are ignored while typing), press R.
                await Keyboard.TabUntilAsync(Page, "el => el.tagName === 'TEXTAREA'", max: 40);
                await Page.Keyboard.TypeAsync(because);
                await Expect(panel.GetByText($"{because.Length} / {MaxLengths.ReviewDecision.Justification}", new() { Exact = true })).ToBeVisibleAsync();
                await Keyboard.TabUntilAsync(Page, $"el => !({IsField})", max: 10);
                await Page.Keyboard.PressAsync("r");
                expected.Add((item, DecisionOutcome.Revoke));
            }
            await Expect(Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Saved" }).Last).ToBeVisibleAsync();
            // The next item is shown, and focus is on its heading so a screen reader announces it.
            var next = queue[i + 1];
            await Expect(panel.GetByTestId("evidence-hash")).ToHaveTextAsync(next.EvidenceHash);
            await Expect(panel.GetByRole(AriaRole.Heading, new() { Name = next.Identity, Level = 2 })).ToBeFocusedAsync();
        }

        await Page.Keyboard.PressAsync("Escape");
        await Expect(panel).ToHaveCountAsync(0);
        // The three decided items left the undecided list: the drawer was showing the fourth, and focus is on its row.
        await Expect(grid.GetByRole(AriaRole.Button, new() { Name = queue[3].OpenButtonName, Exact = true })).ToBeFocusedAsync();
        await Accessibility.WaitForAnimationsAsync(Page);
        await Accessibility.AssertNoSeriousViolationsAsync(Page);

        foreach (var (item, outcome) in expected)
        {
            var stored = await data.ItemAsync(item.Id);
            Assert.Equal(outcome, stored.Outcome);
            Assert.Equal(manager.IdentityId, stored.DecidedById);
            if (outcome == DecisionOutcome.Revoke)
            {
                Assert.Equal(because, stored.Justification);
            }
        }
        Assert.Null((await data.ItemAsync(queue[3].Id)).Outcome);
    }
}
