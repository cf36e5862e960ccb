using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.E2ETests.Reviews;

/// <summary>
/// "Refresh evidence" in the drawer stores a new snapshot and shows it as refreshed; the decision taken then records the
/// refreshed snapshot's hash, not the launch one's (issue #16, 5).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RefreshEvidenceTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private readonly DemoData _data = new(app);

    [BrowserFact]
    public async Task Manager_RefreshesEvidenceInTheDrawer_SeesRefreshed_AndTheKeepRecordsTheRefreshedHash()
    {
        var manager = await _data.PersonaAsync(Personas.Manager);
        // The last of the manager's keep-recommended items: the keyboard tests work from the first ones.
        var item = (await _data.UndecidedAsync(manager.IdentityId, Recommendation.Keep))[^1];
        await Personas.SignInAsAsync(Page, Personas.Manager);

        await Page.GotoAsync($"/reviews/{item.Id}");
        await BlazorReady.WaitAsync(Page);
        var panel = Page.GetByTestId("item-drawer").GetByTestId("review-item-panel");
        await Expect(panel.GetByTestId("evidence-hash")).ToHaveTextAsync(item.EvidenceHash);
        await Expect(panel.GetByTestId("evidence-as-of")).ToContainTextAsync("(at launch)");
        await Accessibility.AssertNoSeriousViolationsAsync(Page);

        await panel.GetByTestId("refresh-evidence").ClickAsync();

        await Expect(panel.GetByTestId("evidence-as-of")).ToContainTextAsync("(refreshed)");
        var snapshot = await _data.QueryAsync(db => db.EvidenceSnapshots.AsNoTracking().SingleAsync(s => s.ReviewItemId == item.Id));
        Assert.Equal(manager.IdentityId, snapshot.TakenById);
        Assert.Equal(snapshot.Hash, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(snapshot.EvidenceJson))));
        Assert.NotEqual(item.EvidenceHash, snapshot.Hash);
        await Expect(panel.GetByTestId("evidence-hash")).ToHaveTextAsync(snapshot.Hash);
        await Expect(panel.GetByTestId("live-evidence")).ToContainTextAsync("Refreshed");
        await Accessibility.AssertNoSeriousViolationsAsync(Page);

        await panel.GetByTestId("decide-keep").ClickAsync();

        await Expect(Page.GetByText("Saved: Keep")).ToBeVisibleAsync();
        var decision = Assert.Single(await _data.DecisionsAsync(item.Id));
        Assert.Equal(DecisionOutcome.Keep, decision.Outcome);
        Assert.Equal(snapshot.Hash, decision.EvidenceHash);
        Assert.Matches("^[0-9a-f]{64}$", decision.ShownHash);
        Assert.Single(await _data.AuditForItemAsync(item.Id, "review.decided"));
    }
}
