using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.E2ETests.Requests;

/// <summary>Issue #15, "Also": "Approve selected" gets its "Deny selected" twin, which asks for the comment first.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DenySelectedTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private const string Comment = "Not needed for the current project.";
    private readonly DemoData _data = new(app);

    [BrowserFact]
    public async Task Approver_DeniesTwoSelected_CommentAskedFirst_OnlyThoseDeniedWithIt_SelectionCleared()
    {
        // Whichever approver persona has two requests waiting that they may answer (not their own).
        string? personaKey = null;
        List<long> requests = [];
        foreach (var key in new[] { Personas.Manager, Personas.AppOwner })
        {
            var persona = await _data.PersonaAsync(key);
            requests = await _data.QueryAsync(db => db.ApprovalSteps.AsNoTracking()
                .Where(s => s.ApproverId == persona.IdentityId && s.Status == ApprovalStatus.Pending
                    && s.AccessRequest.RequesterId != persona.IdentityId && s.AccessRequest.BeneficiaryId != persona.IdentityId)
                .OrderBy(s => s.AccessRequestId).Select(s => s.AccessRequestId).Take(2).ToListAsync());
            if (requests.Count == 2)
            {
                personaKey = key;
                break;
            }
        }
        Assert.True(personaKey is not null, "No approver persona has two pending requests to deny; the test needs two.");
        var approver = await _data.PersonaAsync(personaKey);
        var pendingBefore = await _data.PendingApprovalsAsync(approver.IdentityId);

        await Personas.SignInAsAsync(Page, personaKey);
        await Page.GotoAsync("/requests/approvals");
        await BlazorReady.WaitAsync(Page);
        foreach (var id in requests)
        {
            await Page.GetByLabel($"Select request {id}", new() { Exact = true }).CheckAsync();
        }
        await Expect(Page.GetByText("2 selected", new() { Exact = true })).ToBeVisibleAsync();

        await Page.GetByTestId("deny-selected").ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("Deny 2 selected request(s)?");
        await Accessibility.AssertNoSeriousViolationsAsync(Page);

        // Without a comment nothing is denied, and the dialog says why next to the comment.
        await dialog.GetByTestId("confirm-deny-selected").ClickAsync();
        await Expect(dialog.GetByText("Say why you deny it (at least 5 characters): the requester sees your comment.")).ToBeVisibleAsync();
        Assert.Equal(pendingBefore, await _data.PendingApprovalsAsync(approver.IdentityId));
        await Accessibility.AssertNoSeriousViolationsAsync(Page);

        await dialog.GetByLabel("Why you deny them (required)").FillAsync(Comment);
        await dialog.GetByTestId("confirm-deny-selected").ClickAsync();

        await Expect(Page.GetByText("2 denied", new() { Exact = true })).ToBeVisibleAsync();
        // The selection is cleared: the bar says so, or is gone with the last request.
        await Expect(pendingBefore > 2 ? Page.GetByText("0 selected", new() { Exact = true }) : Page.GetByTestId("approvals-empty")).ToBeVisibleAsync();
        var denied = await _data.QueryAsync(db => db.AccessRequests.AsNoTracking().Where(r => requests.Contains(r.Id))
            .Select(r => new { r.Status, Comments = r.Steps.Where(s => s.DecidedById == approver.IdentityId).Select(s => s.Comment).ToList() }).ToListAsync());
        Assert.All(denied, r => Assert.Equal((AccessRequestStatus.Denied, Comment), (r.Status, Assert.Single(r.Comments))));
        Assert.Equal(pendingBefore - 2, await _data.PendingApprovalsAsync(approver.IdentityId));
    }
}
