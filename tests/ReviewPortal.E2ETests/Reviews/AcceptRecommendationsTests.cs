using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.E2ETests.Reviews;

/// <summary>Issue #15, 4: "Accept recommendations" says what it will do, applies to the selection only, and clears it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AcceptRecommendationsTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private readonly DemoData _data = new(app);

    private sealed record Candidate(long Id, string Identity, string Entitlement, Recommendation Recommendation, bool CanReduce)
    {
        public string OpenButtonName => $"Open {Identity}: {Entitlement}";
    }

    [BrowserFact]
    public async Task Manager_SelectsThreeAndAcceptsRecommendations_DialogCountsThem_OnlyThoseDecided_SelectionCleared()
    {
        var manager = await _data.PersonaAsync(Personas.Manager);
        // The first page of the queue as the page sorts it (identity name, then id), so the rows are on screen.
        var firstPage = await _data.QueryAsync(db => db.ReviewItems.AsNoTracking()
            .Where(i => i.ReviewerId == manager.IdentityId && i.Outcome == null && i.Campaign.Status == CampaignStatus.Active)
            .OrderBy(i => i.Identity.DisplayName).ThenBy(i => i.Id).Take(50)
            .Select(i => new Candidate(i.Id, i.Identity.DisplayName, i.Entitlement.DisplayName, i.Recommendation, i.Entitlement.ReducesToId != null))
            .ToListAsync());
        var unique = firstPage.GroupBy(c => c.OpenButtonName).Where(g => g.Count() == 1).Select(g => g.Single()).ToList();
        // One of each acceptable kind where the queue has it, else more of the others: three rows whose recommendation can be taken.
        var chosen = new[] { Recommendation.Keep, Recommendation.Revoke, Recommendation.Reduce }
            .Select(r => unique.FirstOrDefault(c => c.Recommendation == r && (r != Recommendation.Reduce || c.CanReduce))).OfType<Candidate>()
            .Concat(unique.Where(c => c.Recommendation is Recommendation.Keep or Recommendation.Revoke)).DistinctBy(c => c.Id).Take(3).ToList();
        Assert.True(chosen.Count == 3, $"The manager's first page has {chosen.Count} rows whose recommendation can be accepted; the test needs three.");
        var expected = chosen.ToDictionary(c => c.Id, c => c.Recommendation switch
        {
            Recommendation.Revoke => DecisionOutcome.Revoke,
            Recommendation.Reduce => DecisionOutcome.Reduce,
            _ => DecisionOutcome.Keep,
        });
        var breakdown = string.Join(", ", new[] { (DecisionOutcome.Keep, "keep"), (DecisionOutcome.Revoke, "revoke"), (DecisionOutcome.Reduce, "reduce") }
            .Select(o => (Count: expected.Values.Count(v => v == o.Item1), Word: o.Item2)).Where(o => o.Count > 0).Select(o => $"{o.Count} {o.Word}"));
        var pendingBefore = await _data.PendingReviewItemsAsync(manager.IdentityId);

        await Personas.SignInAsAsync(Page, Personas.Manager);
        await Page.GotoAsync("/reviews");
        await BlazorReady.WaitAsync(Page);
        var grid = Page.GetByTestId("reviews-grid");
        foreach (var item in chosen)
        {
            var row = grid.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Button, new() { Name = item.OpenButtonName, Exact = true }) });
            await row.GetByRole(AriaRole.Checkbox).CheckAsync();
        }
        await Expect(Page.GetByTestId("bulk-bar")).ToContainTextAsync("3 selected");

        await Page.GetByTestId("accept-recommendations").ClickAsync();

        var dialog = Page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByTestId("accept-scope")).ToHaveTextAsync("Only the 3 selected item(s).");
        await Expect(dialog.GetByTestId("accept-breakdown")).ToHaveTextAsync($"Will decide 3 item(s): {breakdown}.");
        await Expect(dialog.GetByTestId("accept-skipped")).ToHaveCountAsync(0);
        // Nothing is decided by opening the dialog.
        Assert.Equal(pendingBefore, await _data.PendingReviewItemsAsync(manager.IdentityId));
        await Accessibility.AssertNoSeriousViolationsAsync(Page);

        await dialog.GetByTestId("confirm-accept-recommendations").ClickAsync();

        await Expect(Page.GetByText($"3 item(s) accepted: {breakdown}", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("bulk-bar")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("accept-recommendations")).ToHaveTextAsync("Accept recommendations");
        foreach (var (id, outcome) in expected)
        {
            var stored = await _data.ItemAsync(id);
            Assert.Equal((outcome, manager.IdentityId), (stored.Outcome, stored.DecidedById));
        }
        // Exactly those three: every other item of the manager's is as undecided as before.
        Assert.Equal(pendingBefore - 3, await _data.PendingReviewItemsAsync(manager.IdentityId));
        // The pointer rests where the confirm button was, over whatever row is there now: its tooltip, caught mid-fade, is not the page.
        await Page.Mouse.MoveAsync(0, 0);
        await Accessibility.WaitForAnimationsAsync(Page);
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }
}
