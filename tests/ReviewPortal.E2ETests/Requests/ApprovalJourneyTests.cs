using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.E2ETests.Requests;

/// <summary>
/// Issue #5's journey, every step in the browser: the engineer persona asks for prod access for an API key they own; their
/// manager (the manager persona) approves step 1 and the prod owner (app-owner persona) step 2; the admin persona confirms
/// the manual fulfilment (the Admin API cannot grant a key a workspace role); the engineer then finds the grant and its
/// trail on the key's identity page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ApprovalJourneyTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private const string Justification = "The nightly evaluation pipeline deploys to prod.";
    private readonly DemoData _data = new(app);

    [BrowserFact]
    public async Task ApprovalJourney_EngineerRequestsForOwnKey_ManagerAndAppOwnerApprove_GrantAndTrailOnIdentityPage()
    {
        var engineer = await _data.PersonaAsync(Personas.Engineer);
        var manager = await _data.PersonaAsync(Personas.Manager);
        var appOwner = await _data.PersonaAsync(Personas.AppOwner);
        var admin = await _data.PersonaAsync(Personas.Admin);
        var (prod, developer) = await _data.QueryAsync(async db =>
        {
            var ws = await db.Resources.AsNoTracking().SingleAsync(r => r.Kind == ResourceKind.Workspace && r.Name == "prod" && r.OwnerId != null);
            return (ws, await db.Entitlements.AsNoTracking().SingleAsync(e => e.ResourceId == ws.Id && e.Value == "workspace_developer"));
        });
        Assert.Equal(appOwner.IdentityId, prod.OwnerId);
        Assert.Equal(manager.IdentityId, (await _data.IdentityAsync(engineer.IdentityId)).ManagerId);
        var key = await _data.QueryAsync(db => db.Identities.AsNoTracking()
            .Where(i => i.OwnerId == engineer.IdentityId && i.Status == "active"
                && (i.Kind == IdentityKind.ApiKey || i.Kind == IdentityKind.ServiceAccount || i.Kind == IdentityKind.Agent)
                && !i.Grants.Any(g => g.EntitlementId == developer.Id && g.EndedAt == null))
            .OrderBy(i => i.Id).FirstAsync());
        // A key works only in its own workspace, so only a prod key may ask for a prod role (issue #15, 9): the demo's
        // engineer owns a staging key, which this journey places in prod first (as if it had been created there).
        await _data.QueryAsync(async db =>
        {
            var prodKeys = await db.Entitlements.SingleAsync(e => e.ResourceId == prod.Id && e.Kind == EntitlementKind.ApiKey);
            return await db.Grants.Where(g => g.IdentityId == key.Id && g.EndedAt == null && g.Entitlement.Kind == EntitlementKind.ApiKey)
                .ExecuteUpdateAsync(u => u.SetProperty(g => g.EntitlementId, prodKeys.Id));
        });

        // 1. The engineer asks for prod access for their key and sees it pending with their manager.
        await Personas.SignInAsAsync(Page, Personas.Engineer);
        await Page.GotoAsync("/requests");
        await BlazorReady.WaitAsync(Page);
        var access = Page.GetByTestId("request-entitlement");
        await access.ClickAsync();
        // One input event: keystrokes typed one by one each start a search, and on a loaded machine a later search's list
        // replaced the one being clicked (the choice was lost and the field kept "prod").
        await access.FillAsync("prod");
        await Page.GetByRole(AriaRole.Listbox).GetByRole(AriaRole.Option, new() { Name = $"{developer.DisplayName} · prod", Exact = true }).ClickAsync();
        await Expect(access).ToHaveValueAsync($"{developer.DisplayName} · prod");
        await MudInputs.SelectAsync(Page, Page.GetByTestId("request-beneficiary"), $"{key.DisplayName} ({Humanize.Kind(key.Kind)})");
        await Page.GetByTestId("request-justification").FillAsync(Justification);
        await Page.GetByTestId("request-duration").FillAsync("60");
        await Page.GetByTestId("request-submit").ClickAsync();
        var mine = Page.GetByTestId("my-requests").GetByRole(AriaRole.Row).Filter(new() { HasText = key.DisplayName });
        await Expect(mine).ToHaveCountAsync(1);
        await Expect(mine.GetByTestId("request-status")).ToHaveTextAsync("Pending");
        await Expect(mine).ToContainTextAsync($"{developer.DisplayName} · prod");
        await Expect(mine).ToContainTextAsync($"1. {manager.FullName} (manager): Pending");
        await Expect(mine).ToContainTextAsync($"2. {appOwner.FullName} (resource owner): Waiting");

        // 2. The manager sees it in their inbox with the context to decide, and approves.
        await using (var managerContext = await BrowserFixture.NewContextAsync(App.BaseUrl))
        {
            var page = await managerContext.NewPageAsync();
            await Personas.SignInAsAsync(page, Personas.Manager);
            await page.GotoAsync("/requests/approvals");
            await BlazorReady.WaitAsync(page);
            var card = page.GetByTestId("approval-card").Filter(new() { HasText = key.DisplayName });
            await Expect(card).ToHaveCountAsync(1);
            await Expect(card).ToContainTextAsync(developer.DisplayName);
            await Expect(card).ToContainTextAsync("step 1 of 2");
            await Expect(card).ToContainTextAsync(Justification);
            await Expect(card.GetByRole(AriaRole.Link, new() { Name = engineer.FullName, Exact = true })).ToBeVisibleAsync();
            await Expect(card).ToContainTextAsync("owned by the requester");
            await Expect(card).ToContainTextAsync("60 days from");
            await card.GetByLabel("Comment (required to deny)").FillAsync("Runs our evaluation pipeline.");
            await card.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true }).ClickAsync();
            await Expect(card).ToHaveCountAsync(0);
        }

        // 3. The prod owner answers step 2 in the inbox (axe-checked).
        await using (var ownerContext = await BrowserFixture.NewContextAsync(App.BaseUrl))
        {
            var page = await ownerContext.NewPageAsync();
            await Personas.SignInAsAsync(page, Personas.AppOwner);
            await page.GotoAsync("/requests/approvals");
            await BlazorReady.WaitAsync(page);
            var card = page.GetByTestId("approval-card").Filter(new() { HasText = key.DisplayName });
            await Expect(card).ToHaveCountAsync(1);
            await Expect(card).ToContainTextAsync("step 2 of 2");
            await Expect(card).ToContainTextAsync(Justification);
            await Accessibility.AssertNoSeriousViolationsAsync(page);
            await card.GetByLabel("Comment (required to deny)").FillAsync("Pipeline owner confirmed.");
            await card.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true }).ClickAsync();
            await Expect(card).ToHaveCountAsync(0);
        }

        // 4. A key cannot be given a workspace role through the Admin API: the admin grants it by hand and records it.
        await using (var adminContext = await BrowserFixture.NewContextAsync(App.BaseUrl))
        {
            var page = await adminContext.NewPageAsync();
            await Personas.SignInAsAsync(page, Personas.Admin);
            await page.GotoAsync("/requests/approvals");
            await BlazorReady.WaitAsync(page);
            var row = page.GetByTestId("awaiting-fulfilment").GetByRole(AriaRole.Row).Filter(new() { HasText = key.DisplayName });
            await Expect(row).ToHaveCountAsync(1);
            await Expect(row).ToContainTextAsync(developer.DisplayName);
            await row.GetByTestId("confirm-fulfilment").ClickAsync();
            await Expect(row).ToHaveCountAsync(0);
        }

        // 5. The engineer sees the request fulfilled, and the grant with its whole trail on the key's identity page.
        await Page.GotoAsync("/requests");
        await BlazorReady.WaitAsync(Page);
        await Expect(mine.GetByTestId("request-status")).ToHaveTextAsync("Fulfilled");
        await Page.GotoAsync($"/identities/{key.Id}");
        await BlazorReady.WaitAsync(Page);
        await Expect(Page.GetByTestId("identity-grants").GetByRole(AriaRole.Row).Filter(new() { HasText = developer.DisplayName })).ToHaveCountAsync(1);
        await Page.GetByTestId("show-timeline").ClickAsync();
        var timeline = Page.GetByTestId("identity-timeline");
        await Expect(timeline).ToContainTextAsync($"{developer.DisplayName}: Requested: \"{Justification}\"");
        await Expect(timeline).ToContainTextAsync($"by {engineer.FullName}");
        await Expect(timeline).ToContainTextAsync($"Approved request for {developer.DisplayName}");
        await Expect(timeline).ToContainTextAsync($"Runs our evaluation pipeline. · by {manager.FullName}");
        await Expect(timeline).ToContainTextAsync($"Pipeline owner confirmed. · by {appOwner.FullName}");
        await Expect(timeline).ToContainTextAsync($"Granted {developer.DisplayName}");
        await Expect(timeline).ToContainTextAsync("through an approved request");
        await Expect(timeline).ToContainTextAsync($"granted by hand, confirmed by {admin.FullName}");

        var grant = await _data.QueryAsync(db => db.Grants.AsNoTracking().Include(g => g.History).Include(g => g.AccessRequest)
            .SingleAsync(g => g.IdentityId == key.Id && g.EntitlementId == developer.Id && g.EndedAt == null));
        Assert.Equal((GrantSource.AccessRequest, engineer.IdentityId, 60), (grant.Source, grant.AccessRequest!.RequesterId, grant.AccessRequest.DurationDays));
        Assert.Equal([("requested", (int?)engineer.IdentityId), ("approved", manager.IdentityId), ("approved", appOwner.IdentityId), ("provisioned", null)],
            grant.History.OrderBy(h => h.Id).Select(h => (h.Kind, h.ActorIdentityId)));
    }

    [BrowserFact]
    public async Task ApprovalsInbox_DenyWithoutComment_RefusedAndCardStays()
    {
        var appOwner = await _data.PersonaAsync(Personas.AppOwner);
        var pending = await _data.PendingApprovalsAsync(appOwner.IdentityId);
        Assert.True(pending > 0, "The demo seed leaves requests waiting for the prod owner.");
        await Personas.SignInAsAsync(Page, Personas.AppOwner);
        await Page.GotoAsync("/requests/approvals");
        await BlazorReady.WaitAsync(Page);
        var cards = Page.GetByTestId("approval-card");
        await Expect(cards).ToHaveCountAsync(pending);

        await cards.First.GetByRole(AriaRole.Button, new() { Name = "Deny", Exact = true }).ClickAsync();

        await Expect(Page.GetByText("Say why you deny it", new() { Exact = false })).ToBeVisibleAsync();
        await Expect(cards).ToHaveCountAsync(pending);
        Assert.Equal(pending, await _data.PendingApprovalsAsync(appOwner.IdentityId));
    }
}
