using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.E2ETests.Reviews;

/// <summary>
/// Context a reviewer needs on the item (issue #15, 9): the stage-one decision on a stage-two item, and "Transfer ownership"
/// on a key whose owner has left. Each on its own app: both change review items or owners other tests read.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ReviewContextTests(BrowserFixture browser) : IsolatedBrowserTest(browser)
{
    private const string Why = "Runs the nightly evaluation jobs on prod.";

    [BrowserFact]
    public async Task AppOwner_OpensAStageTwoItem_SeesTheStageOneDecisionWhoWhenAndWhy()
    {
        var data = new DemoData(App);
        var manager = await data.PersonaAsync(Personas.Manager);
        var appOwner = await data.PersonaAsync(Personas.AppOwner);
        // Arrange: the manager keeps one of their items (the demo campaign routes keeps to a second stage), through the
        // handler the page uses; the stage-two item goes to the app owner persona.
        var demo = await data.DemoCampaignAsync();
        Assert.True(demo.Definition.SecondStage, "The demo campaign no longer routes keeps to a second stage.");
        var item = await data.QueryAsync(db => db.ReviewItems.AsNoTracking()
            .Where(i => i.CampaignId == demo.Id && i.ReviewerId == manager.IdentityId && i.Outcome == null && i.Stage == 1
                && i.Entitlement.Resource.OwnerId != null && i.Entitlement.Resource.OwnerId != manager.IdentityId
                && i.Entitlement.Resource.OwnerId != i.IdentityId && i.Entitlement.Resource.OwnerId != i.Identity.OwnerId)
            .OrderByDescending(i => i.Entitlement.Resource.OwnerId == appOwner.IdentityId).ThenBy(i => i.Id).FirstAsync());
        using (var scope = App.Services.CreateScope())
        {
            var decided = await scope.ServiceProvider.GetRequiredService<DecideReviewItem>().HandleAsync(
                new Viewer(manager.IdentityId, manager.FullName, new HashSet<string>()),
                new DecideReviewItem.Command
                {
                    ItemId = item.Id, Outcome = DecisionOutcome.Keep, Justification = Why, ExpectedVersion = item.Version, EvidenceHash = item.EvidenceHash,
                }, "e2e-arrange");
            Assert.True(decided.Ok, decided.Refusal?.Message);
        }
        var stageTwo = await data.QueryAsync(db => db.ReviewItems.AsNoTracking()
            .SingleAsync(i => i.CampaignId == item.CampaignId && i.GrantId == item.GrantId && i.Stage == 2));
        if (stageTwo.ReviewerId != appOwner.IdentityId)
        {
            // The resource's owner may be another person: the app owner persona takes stage two, as a reassignment would.
            await data.QueryAsync(db => db.ReviewItems.Where(i => i.Id == stageTwo.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.ReviewerId, appOwner.IdentityId)));
        }

        await Personas.SignInAsAsync(Page, Personas.AppOwner);
        await Page.GotoAsync($"/reviews/{stageTwo.Id}");
        await BlazorReady.WaitAsync(Page);

        var stageOne = Page.GetByTestId("item-drawer").GetByTestId("stage-one-decision");
        await Expect(stageOne).ToContainTextAsync("Stage one: Keep");
        await Expect(stageOne).ToContainTextAsync(manager.FullName);
        await Expect(stageOne).ToContainTextAsync($"“{Why}”");
        await Expect(stageOne).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC"));
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }

    [BrowserFact]
    public async Task Manager_TransfersOwnershipOfADepartedOwnersKey_OwnerRecordMovesAndIsAudited()
    {
        var data = new DemoData(App);
        var manager = await data.PersonaAsync(Personas.Manager);
        var item = await data.QueryAsync(db => db.ReviewItems.AsNoTracking()
            .Where(i => i.ReviewerId == manager.IdentityId && i.Outcome == null && i.Campaign.Status == CampaignStatus.Active
                && i.Identity.Kind != IdentityKind.Person && i.Identity.OwnerId != null && i.Identity.OwnerId != manager.IdentityId)
            .OrderByDescending(i => i.Identity.Owner!.EmploymentStatus == EmploymentStatus.Departed).ThenBy(i => i.Id)
            .Select(i => new { i.Id, i.IdentityId, OwnerId = i.Identity.OwnerId!.Value, Departed = i.Identity.Owner!.EmploymentStatus == EmploymentStatus.Departed })
            .FirstAsync());
        if (!item.Departed)
        {
            // The demo's keys may all have employed owners: this one's owner leaves (the app is this test's own).
            await data.QueryAsync(db => db.Identities.Where(i => i.Id == item.OwnerId).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.EmploymentStatus, EmploymentStatus.Departed).SetProperty(i => i.DepartedAt, DateTimeOffset.UtcNow.AddDays(-3))));
        }
        var owner = await data.IdentityAsync(item.OwnerId);

        await Personas.SignInAsAsync(Page, Personas.Manager);
        await Page.GotoAsync($"/reviews/{item.Id}");
        await BlazorReady.WaitAsync(Page);
        var drawer = Page.GetByTestId("item-drawer");
        var keyOwner = drawer.GetByTestId("key-owner");
        await Expect(keyOwner).ToContainTextAsync(owner.DisplayName);
        await Expect(keyOwner).ToContainTextAsync("owner's employment: left the company");
        await Accessibility.AssertNoSeriousViolationsAsync(Page);

        await drawer.GetByTestId("transfer-ownership").ClickAsync();
        var picker = drawer.GetByRole(AriaRole.Combobox, new() { Name = "New owner" });
        await picker.FillAsync(manager.FullName);
        await Page.GetByRole(AriaRole.Option).Filter(new() { HasText = manager.FullName }).First.ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Listbox)).ToHaveCountAsync(0);
        await drawer.GetByRole(AriaRole.Textbox, new() { Name = "Reason (optional, for the audit trail)" }).FillAsync("The team lead keeps the pipeline key.");
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
        await drawer.GetByTestId("transfer-ownership-confirm").ClickAsync();

        await Expect(Page.GetByText($"{manager.FullName} now owns")).ToBeVisibleAsync();
        await Expect(keyOwner).ToContainTextAsync(manager.FullName);
        await Expect(keyOwner).ToContainTextAsync("owner's employment: employed");
        await Expect(drawer.GetByTestId("transfer-ownership")).ToHaveCountAsync(0);
        var (ownerNow, audited) = await data.QueryAsync(async db => (
            await db.Identities.Where(i => i.Id == item.IdentityId).Select(i => i.OwnerId).SingleAsync(),
            await db.AuditEntries.Where(e => e.Action == "identity.owner-changed" && e.IdentityId == item.IdentityId).Select(e => e.After).ToListAsync()));
        Assert.Equal(manager.IdentityId, ownerNow);
        Assert.Contains(audited, a => a != null && a.Contains("The team lead keeps the pipeline key.", StringComparison.Ordinal));
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }
}
