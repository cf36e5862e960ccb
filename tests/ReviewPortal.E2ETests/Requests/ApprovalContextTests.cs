using Microsoft.EntityFrameworkCore;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.E2ETests.Requests;

/// <summary>The app owner's step-two card shows the manager's step-one answer: who, when and their comment (issue #15, 9).</summary>
[Collection(BrowserCollection.Name)]
public sealed class ApprovalContextTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private readonly DemoData _data = new(app);

    [BrowserFact]
    public async Task AppOwner_StepTwoCard_ShowsTheManagersStepOneApprovalWhoWhenAndComment()
    {
        var appOwner = await _data.PersonaAsync(Personas.AppOwner);
        // The demo seeds requests the manager approved ("Part of the launch team.") that now wait for the prod owner.
        var expected = await _data.QueryAsync(db => db.ApprovalSteps.AsNoTracking()
            .Where(s => s.ApproverId == appOwner.IdentityId && s.Status == ApprovalStatus.Pending && s.Order == 2)
            .OrderBy(s => s.AccessRequest.RequestedAt)
            .Select(s => s.AccessRequest.Steps.Where(x => x.Order == 1)
                .Select(x => new { x.Comment, By = db.Identities.Where(p => p.Id == x.DecidedById).Select(p => p.DisplayName).First() }).First())
            .FirstAsync());
        Assert.False(string.IsNullOrEmpty(expected.Comment), "The seeded step-one approval has no comment to show.");

        await Personas.SignInAsAsync(Page, Personas.AppOwner);
        await Page.GotoAsync("/requests/approvals");
        await BlazorReady.WaitAsync(Page);

        var earlier = Page.GetByTestId("approval-card").First.GetByTestId("earlier-step");
        await Expect(earlier).ToContainTextAsync("Step 1 (manager): approved");
        await Expect(earlier).ToContainTextAsync(expected.By);
        await Expect(earlier).ToContainTextAsync($"“{expected.Comment}”");
        await Expect(earlier).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC"));
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }
}
