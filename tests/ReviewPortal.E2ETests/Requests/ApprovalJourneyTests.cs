using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.E2ETests.Requests;

/// <summary>
/// A request for an NHI from submission to the grant on its identity page. Only the four personas can sign in, so the
/// NHI's owner submits and their manager approves step 1 through the real handlers; the prod owner (app-owner persona)
/// approves in the browser, and the admin persona confirms the manual fulfilment in the browser.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ApprovalJourneyTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private readonly DemoData _data = new(app);

    [Fact]
    public async Task ApprovalJourney_NhiRequestApprovedByOwnerAndConfirmedByAdmin_GrantAndTrailOnIdentityPage()
    {
        var appOwner = await _data.PersonaAsync(Personas.AppOwner);
        var (prod, developer) = await _data.QueryAsync(async db =>
        {
            var ws = await db.Resources.AsNoTracking().SingleAsync(r => r.Kind == ResourceKind.Workspace && r.Name == "prod" && r.OwnerId != null);
            return (ws, await db.Entitlements.AsNoTracking().SingleAsync(e => e.ResourceId == ws.Id && e.Value == "workspace_developer"));
        });
        Assert.Equal(prod.OwnerId, appOwner.IdentityId);
        var nhi = await _data.QueryAsync(db => db.Identities.AsNoTracking().Include(i => i.Owner)
            .Where(i => (i.Kind == IdentityKind.ServiceAccount || i.Kind == IdentityKind.ApiKey) && i.Owner != null
                && i.Owner.Kind == IdentityKind.Person && i.Owner.EmploymentStatus == EmploymentStatus.Active && i.Owner.ManagerId != null
                && i.Owner.ManagerId != prod.OwnerId && i.OwnerId != prod.OwnerId
                && !i.Grants.Any(g => g.EntitlementId == developer.Id && g.EndedAt == null))
            .OrderBy(i => i.Id).FirstAsync());
        var owner = nhi.Owner!;

        using var scope = App.Services.CreateScope();
        var submitted = await scope.ServiceProvider.GetRequiredService<SubmitAccessRequest>().HandleAsync(
            new Viewer(owner.Id, owner.DisplayName, new HashSet<string>()),
            new SubmitAccessRequest.Command
            {
                EntitlementId = developer.Id, BeneficiaryId = nhi.Id, DurationDays = 30,
                Justification = "The nightly evaluation pipeline deploys to prod.",
            }, "e2e-submit");
        Assert.Null(submitted.Errors);
        var requestId = submitted.RequestId!.Value;
        var managerStep = await _data.QueryAsync(db => db.ApprovalSteps.AsNoTracking().SingleAsync(s => s.AccessRequestId == requestId && s.Order == 1));
        Assert.Equal(owner.ManagerId, managerStep.ApproverId);
        var managerName = await _data.QueryAsync(db => db.Identities.Where(i => i.Id == managerStep.ApproverId).Select(i => i.DisplayName).SingleAsync());
        var step1 = await scope.ServiceProvider.GetRequiredService<DecideApproval>().HandleAsync(
            new Viewer(managerStep.ApproverId, managerName, new HashSet<string>()), new DecideApproval.Command(managerStep.Id, true, null), "e2e-step1");
        Assert.True(step1.Ok, step1.Message);

        // The prod owner answers step 2 in the inbox.
        await Personas.SignInAsAsync(Page, Personas.AppOwner);
        await Page.GotoAsync("/requests/approvals");
        await BlazorReady.WaitAsync(Page);
        var card = Page.GetByTestId("approval-card").Filter(new() { HasText = nhi.DisplayName });
        await Expect(card).ToHaveCountAsync(1);
        await Expect(card).ToContainTextAsync("The nightly evaluation pipeline deploys to prod.");
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
        await card.GetByLabel("Comment (required to deny)").FillAsync("Pipeline owner confirmed.");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true }).ClickAsync();
        await Expect(card).ToHaveCountAsync(0);
        var approved = await _data.QueryAsync(db => db.AccessRequests.AsNoTracking().SingleAsync(r => r.Id == requestId));
        Assert.Equal(AccessRequestStatus.Approved, approved.Status);
        Assert.NotNull(approved.FulfilmentNote);

        // The admin grants it by hand and records it.
        await using var adminContext = await BrowserFixture.NewContextAsync(App.BaseUrl);
        var admin = await adminContext.NewPageAsync();
        await Personas.SignInAsAsync(admin, Personas.Admin);
        await admin.GotoAsync("/requests/approvals");
        await BlazorReady.WaitAsync(admin);
        var row = admin.GetByTestId("awaiting-fulfilment").GetByRole(AriaRole.Row).Filter(new() { HasText = nhi.DisplayName });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync(developer.DisplayName);
        await row.GetByTestId("confirm-fulfilment").ClickAsync();
        await Expect(row).ToHaveCountAsync(0);

        await admin.GotoAsync($"/identities/{nhi.Id}");
        await BlazorReady.WaitAsync(admin);
        await Expect(admin.GetByTestId("identity-grants").GetByRole(AriaRole.Row).Filter(new() { HasText = developer.DisplayName })).ToHaveCountAsync(1);
        var timeline = admin.GetByTestId("identity-timeline");
        await Expect(timeline).ToContainTextAsync($"Granted {developer.DisplayName}");
        await Expect(timeline).ToContainTextAsync("through an approved request");
        await Expect(timeline).ToContainTextAsync($"Approved request for {developer.DisplayName}");
        await Expect(timeline).ToContainTextAsync("Pipeline owner confirmed.");
        var grant = await _data.QueryAsync(db => db.Grants.AsNoTracking().Include(g => g.History).SingleAsync(g => g.AccessRequestId == requestId));
        Assert.Equal((nhi.Id, GrantSource.AccessRequest), (grant.IdentityId, grant.Source));
        Assert.Equal(["requested", "approved", "approved", "provisioned"], grant.History.OrderBy(h => h.Id).Select(h => h.Kind));
    }

    [Fact]
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
