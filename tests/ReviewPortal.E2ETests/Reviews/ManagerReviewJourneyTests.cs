using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.E2ETests.Reviews;

/// <summary>The manager's whole review journey, on its own app: it decides (and bulk-accepts) the manager's queue.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ManagerReviewJourneyTests(BrowserFixture browser) : IsolatedBrowserTest(browser)
{
    [BrowserFact]
    public async Task Manager_OpensRevokeItem_SeesEvidence_RevokeNeedsJustification_ThenSaves_ThenAcceptsRecommendations_AndPassesAxe()
    {
        var data = new DemoData(App);
        var manager = await data.PersonaAsync(Personas.Manager);
        var revokes = await data.UndecidedAsync(manager.IdentityId, Recommendation.Revoke);
        Assert.True(revokes.Count > 0, "The demo campaign gives the manager no Revoke-recommended item to decide.");
        var item = revokes[0];
        var (decided, total) = await data.ProgressAsync(manager.IdentityId);

        await Personas.SignInAsAsync(Page, Personas.Manager);
        await Page.GotoAsync("/reviews");
        await BlazorReady.WaitAsync(Page);

        var progress = Page.GetByTestId("review-progress-text");
        await Expect(progress).ToHaveTextAsync($"{decided} of {total} decided");
        await Expect(Page.GetByTestId("review-progress")).ToHaveAttributeAsync("aria-label", $"Review progress: {decided} of {total} decided");
        await Accessibility.AssertNoSeriousViolationsAsync(Page);

        // Filter to Revoke recommendations: the first row is the first Revoke item in the queue's order.
        await MudInputs.SelectAsync(Page, Page.GetByTestId("filter-recommendation"), "Revoke");
        var grid = Page.GetByTestId("reviews-grid");
        await Expect(grid.GetByTestId("open-item").First).ToHaveAttributeAsync("aria-label", item.OpenButtonName);
        await Expect(grid.GetByTestId("open-item")).ToHaveCountAsync(Math.Min(revokes.Count, 50));
        foreach (var chip in await grid.GetByTestId("recommendation-chip").AllAsync())
        {
            await Expect(chip).ToHaveTextAsync("Revoke");
        }

        await grid.GetByRole(AriaRole.Button, new() { Name = item.OpenButtonName, Exact = true }).ClickAsync();
        var drawer = Page.GetByTestId("item-drawer");
        var panel = drawer.GetByTestId("review-item-panel");
        await Expect(panel).ToBeVisibleAsync();
        await Expect(panel.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveTextAsync(item.Identity);
        await Expect(panel.GetByTestId("evidence-hash")).ToHaveTextAsync(item.EvidenceHash);
        await Expect(panel.GetByTestId("recommendation-reason")).ToContainTextAsync("Revoke");
        await Expect(panel.GetByTestId("item-activity-chart")).ToContainTextAsync(ActivitySummary());
        // The holder's employment, or for a key its owner's ("Owner's employment at launch").
        await Expect(panel.GetByTestId("role-context")).ToContainTextAsync(new Regex("employment", RegexOptions.IgnoreCase));
        await Expect(panel.GetByTestId("approval-trail")).ToContainTextAsync(item.Entitlement);
        await Accessibility.AssertNoSeriousViolationsAsync(Page);

        // Revoke without a justification: a field error, nothing stored.
        await panel.GetByTestId("decide-revoke").ClickAsync();
        var justification = panel.GetByTestId("justification");
        await Expect(justification).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(panel.GetByText("requires a justification")).ToBeVisibleAsync();
        Assert.Empty(await data.DecisionsAsync(item.Id));
        Assert.Null((await data.ItemAsync(item.Id)).Outcome);

        // With a justification: saved with the evidence hash the reviewer saw, and audited.
        const string reason = "No longer on the project; access unused since the spring.";
        await justification.FillAsync(reason);
        await panel.GetByTestId("decide-revoke").ClickAsync();
        await Expect(Page.GetByText("Saved: Revoke")).ToBeVisibleAsync();
        // The drawer moves on to the next undecided Revoke item; after the last one it closes.
        if (revokes.Count > 1)
        {
            await Expect(panel.GetByTestId("evidence-hash")).ToHaveTextAsync(revokes[1].EvidenceHash);
        }
        else
        {
            await Expect(drawer).Not.ToBeInViewportAsync();
        }
        var stored = await data.ItemAsync(item.Id);
        Assert.Equal(DecisionOutcome.Revoke, stored.Outcome);
        Assert.Equal(reason, stored.Justification);
        var decision = Assert.Single(await data.DecisionsAsync(item.Id));
        Assert.Equal(DecisionOutcome.Revoke, decision.Outcome);
        Assert.Equal(item.EvidenceHash, decision.EvidenceHash);
        Assert.Equal(manager.IdentityId, decision.DecidedById);
        Assert.Single(await data.AuditForItemAsync(item.Id, "review.decided"));
        await Expect(progress).ToHaveTextAsync($"{decided + 1} of {total} decided");

        // Close the drawer (after the last Revoke item it has closed by itself).
        if (revokes.Count > 1)
        {
            await drawer.GetByRole(AriaRole.Button, new() { Name = "Close detail", Exact = true }).ClickAsync();
        }
        // MudDrawer slides a closed temporary drawer off-screen rather than removing it.
        await Expect(drawer).Not.ToBeInViewportAsync();
        await Accessibility.WaitForAnimationsAsync(Page);
        await Accessibility.AssertNoSeriousViolationsAsync(Page);

        // Then accept every Keep recommendation at once (the demo manager's Revoke items may all be decided by now: evidence
        // per entitlement leaves few unused grants in the demo organization).
        var keeps = await data.UndecidedAsync(manager.IdentityId, Recommendation.Keep);
        Assert.True(keeps.Count > 0, "The demo campaign gives the manager no Keep-recommended item to accept.");
        await MudInputs.SelectAsync(Page, Page.GetByTestId("filter-recommendation"), "Keep");
        await Expect(grid.GetByTestId("open-item")).ToHaveCountAsync(Math.Min(keeps.Count, 50));
        await Page.GetByTestId("accept-recommendations").ClickAsync();
        // Nothing selected: the dialog says it covers every undecided item the filter matches, on every page, and counts
        // them by outcome before anything is decided (issue #15, 4).
        var shown = keeps.Count;
        var dialog = Page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByTestId("accept-scope"))
            .ToHaveTextAsync($"Nothing is selected, so this covers all {shown} undecided item(s) matching the filter: recommendation Keep.");
        await Expect(dialog.GetByTestId("accept-breakdown")).ToHaveTextAsync($"Will decide {shown} item(s): {shown} keep.");
        // The "Saved: Revoke" toast may still be fading in: axe measured it mid-fade once (3.78:1 for its final 9:1).
        await Accessibility.WaitForAnimationsAsync(Page);
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
        await dialog.GetByTestId("confirm-accept-recommendations").ClickAsync();
        await Expect(progress).ToHaveTextAsync($"{decided + 1 + shown} of {total} decided");
        var (after, totalAfter) = await data.ProgressAsync(manager.IdentityId);
        Assert.Equal((decided + 1 + shown, total), (after, totalAfter));
        // Exactly what the dialog promised: every Keep item, and nothing else.
        Assert.Empty(await data.UndecidedAsync(manager.IdentityId, Recommendation.Keep));
        await Expect(grid.GetByTestId("open-item")).ToHaveCountAsync(0);
    }

    [GeneratedRegex(@"^This entitlement\s*(Active|Used) \d+ of 30 days")]
    private static partial Regex ActivitySummary();
}
