using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.E2ETests.Lifecycle;

/// <summary>
/// Lifecycle rules (issue #7) on their own app (a rule opens a micro-review other tests would count): an admin switches on
/// "keys of departed people", saves, runs the rules now and follows the link to the micro-review it opened. The job's
/// schedule is off for this app, so what the page reports comes from the admin's click.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LifecycleRulesTests(BrowserFixture browser) : IsolatedBrowserTest(browser)
{
    protected override IDictionary<string, string?> AppSettings => new Dictionary<string, string?> { ["Lifecycle:Cron"] = "0 0 31 2 *" };

    private static readonly IdentityKind[] NonHuman = [IdentityKind.ApiKey, IdentityKind.ServiceAccount, IdentityKind.Agent, IdentityKind.AdminApiKey];

    [BrowserFact]
    public async Task Admin_SwitchesOnDepartedOwnerRule_RunsItNow_MicroReviewGoesToTheOwnersManagers()
    {
        var data = new DemoData(App);
        // Independently of the job: open grants of active non-human identities whose owner has left the company.
        var expected = await data.QueryAsync(db => db.Grants.CountAsync(g => g.EndedAt == null && g.Identity.Status == "active"
            && NonHuman.Contains(g.Identity.Kind) && g.Identity.Owner != null && g.Identity.Owner.EmploymentStatus == EmploymentStatus.Departed));
        Assert.True(expected > 0, "The simulated organization should have keys whose owner left.");

        await Personas.SignInAsAsync(Page, Personas.Admin);
        await Page.GotoAsync("/admin/lifecycle");
        await BlazorReady.WaitAsync(Page);
        await Expect(Page.GetByTestId("last-run-departed-owner")).ToContainTextAsync("Never run.");
        await Accessibility.AssertNoSeriousViolationsAsync(Page);

        await Page.GetByLabel("Keys of departed people go to their manager").CheckAsync();
        await Page.GetByTestId("lifecycle-save").ClickAsync();
        await Expect(Page.GetByText("Lifecycle rules saved")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("last-run-departed-owner")).ToContainTextAsync("Not run yet");

        await Page.GetByTestId("lifecycle-run-now").ClickAsync();
        var lastRun = Page.GetByTestId("last-run-departed-owner");
        await Expect(lastRun).ToContainTextAsync($"opened {expected} review item{(expected == 1 ? "" : "s")}", new() { Timeout = 120_000 });

        // The micro-review: one item per such grant, each for an employed person other than the departed owner.
        var items = await data.QueryAsync(db => db.ReviewItems.Where(i => i.Campaign.LifecycleRule == LifecycleRule.DepartedOwner)
            .Select(i => new { Reviewer = i.Reviewer.EmploymentStatus, i.ReviewerId, OwnerId = i.Identity.OwnerId, i.Campaign.Name })
            .ToListAsync());
        Assert.Equal(expected, items.Count);
        Assert.All(items, i => Assert.Equal(EmploymentStatus.Active, i.Reviewer));
        Assert.All(items, i => Assert.NotEqual(i.OwnerId, i.ReviewerId));
        var audited = await data.QueryAsync(db => db.AuditEntries.CountAsync(a => a.Action == "lifecycle.micro-review-opened"));
        Assert.Equal(expected, audited);

        await lastRun.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/campaigns/\\d+$"));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = items[0].Name })).ToBeVisibleAsync();
    }
}
