using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.E2ETests.Reviews;

/// <summary>The Reviewer quality page (issue #16, 7): Compliance reads every reviewer's figures and flags; a manager is turned away.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReviewerQualityPageTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private readonly DemoData _data = new(app);

    [BrowserFact]
    public async Task Compliance_OpensReviewerQualityFromTheMenu_SeesARowPerReviewerWhoDecided_AndPassesAxe()
    {
        // The demo's seeded decisions: each person who decided anything, not by the close's default, has a row.
        var deciders = await _data.QueryAsync(db => db.ReviewDecisions.AsNoTracking()
            .Where(d => d.DecidedById != null && (d.Outcome == DecisionOutcome.Keep || d.Outcome == DecisionOutcome.Revoke || d.Outcome == DecisionOutcome.Reduce)
                && (d.Justification == null || !d.Justification.StartsWith(ReviewItem.DefaultJustification)))
            .Select(d => d.DecidedById!.Value).Distinct().CountAsync());
        await Personas.SignInAsAsync(Page, Personas.Compliance);

        await Page.GetByTestId("nav-reviewer-quality").ClickAsync();
        await BlazorReady.WaitAsync(Page);

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Reviewer quality");
        if (deciders == 0)
        {
            // The shared demo app's reviewers have decided nothing yet (tests that decide run on their own apps).
            await Expect(Page.GetByTestId("quality-empty")).ToHaveTextAsync("No reviewer has decided anything yet.");
        }
        else
        {
            await Expect(Page.GetByTestId("quality-table").GetByRole(AriaRole.Row)).ToHaveCountAsync(deciders + 1);
        }
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }

    [BrowserFact]
    public async Task Manager_OpensReviewerQualityByAddress_IsTurnedAway()
    {
        await Personas.SignInAsAsync(Page, Personas.Manager);

        await Page.GotoAsync("/reviewers/quality");
        await BlazorReady.WaitAsync(Page);

        await Expect(Page.GetByTestId("nav-reviewer-quality")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("quality-table")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("access-denied")).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }
}
