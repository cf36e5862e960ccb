using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.E2ETests.Reviews;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.E2ETests.Campaigns;

[Collection(BrowserCollection.Name)]
public sealed partial class CampaignAdminTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private readonly DemoData _data = new(app);

    [BrowserFact]
    public async Task Admin_SeesDashboard_PreviewsRevokeDefaultOnAdmins_IsBlocked_ThenLaunchesWithNoChange_AndPassesAxe()
    {
        var admin = await _data.PersonaAsync(Personas.Admin);
        var demo = await _data.DemoCampaignAsync();
        await Personas.SignInAsAsync(Page, Personas.Admin);

        // Dashboard of the demo campaign, reached from the list.
        await Page.GotoAsync("/campaigns");
        await BlazorReady.WaitAsync(Page);
        await Page.GetByTestId("campaigns-table").GetByRole(AriaRole.Link, new() { Name = demo.Name, Exact = true }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex($"/campaigns/{demo.Id}$"));
        await BlazorReady.WaitAsync(Page);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(demo.Name);
        var (decided, undecided, reviewers) = await _data.QueryAsync(async db =>
        {
            var items = db.ReviewItems.Where(i => i.CampaignId == demo.Id);
            return (await items.CountAsync(i => i.Outcome != null), await items.CountAsync(i => i.Outcome == null),
                await items.Select(i => i.ReviewerId).Distinct().CountAsync());
        });
        await Expect(Page.GetByTestId("stat-campaign-decided-value")).ToHaveTextAsync(decided.ToString("N0", CultureInfo.InvariantCulture));
        var reviewerTable = Page.GetByTestId("reviewer-table");
        // One row per reviewer, plus the header row.
        await Expect(reviewerTable.GetByRole(AriaRole.Row)).ToHaveCountAsync(reviewers + 1);
        await Expect(Page.GetByTestId("burndown-summary")).ToHaveTextAsync(new Regex($"^{undecided} undecided on \\d{{1,2}} \\w{{3}}$"));
        // The chart itself (issue #15, 3: it was blank): the even pace to the due date, today's count, an axis from 0 to every item.
        var chart = Page.GetByTestId("burndown-chart");
        await Expect(chart.GetByTestId("burndown-pace")).ToHaveCountAsync(1);
        await Expect(chart.GetByTestId("burndown-latest")).ToHaveCountAsync(1);
        await Expect(chart.GetByTestId("burndown-y-label").First).ToHaveTextAsync("0");
        await Expect(chart.GetByTestId("burndown-y-label").Last).ToHaveTextAsync((decided + undecided).ToString("N0", CultureInfo.InvariantCulture));
        await Expect(chart.Locator("svg")).ToHaveAttributeAsync("aria-label", new Regex($"^Burndown: {undecided:N0} of {decided + undecided:N0} items undecided on "));
        await Expect(Page.GetByTestId("close-campaign")).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(Page);

        // Remind one reviewer who still has items (issue #14, 3): the mail is queued now, for the next outbox run.
        var slow = await _data.QueryAsync(db => db.ReviewItems.Where(i => i.CampaignId == demo.Id && i.Outcome == null && i.Reviewer.Email != null)
            .Select(i => new { i.ReviewerId, i.Reviewer.DisplayName, i.Reviewer.Email }).FirstAsync());
        await Page.GetByTestId($"remind-{slow.ReviewerId}").ClickAsync();
        await Expect(Page.GetByText($"Reminder to {slow.DisplayName} queued")).ToBeVisibleAsync();
        var queued = await _data.QueryAsync(db => db.OutboxEmails.Where(m => m.DeduplicationKey.StartsWith($"reminder:{demo.Id}:{slow.ReviewerId}:nudge:"))
            .Select(m => m.To).ToListAsync());
        Assert.Equal([slow.Email!], queued);

        // Wizard: revoke-by-default on org admins only.
        await Page.GotoAsync("/campaigns");
        await BlazorReady.WaitAsync(Page);
        await Page.GetByTestId("new-campaign").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/campaigns/new$"));
        await BlazorReady.WaitAsync(Page);
        var name = $"E2E admin review {Guid.NewGuid():N}"[..30];
        await Page.GetByTestId("campaign-name").FillAsync(name);
        await MudInputs.MultiSelectAsync(Page, Page.GetByRole(AriaRole.Combobox, new() { Name = "Roles (empty = all)" }), "admin");
        await MudInputs.SelectAsync(Page, Page.GetByTestId("campaign-default"), "Revoke");
        var fallback = Page.GetByTestId("campaign-fallback");
        await fallback.FillAsync(admin.FullName);
        await Page.GetByRole(AriaRole.Option).Filter(new() { HasText = admin.FullName }).First.ClickAsync();

        var expected = await _data.QueryAsync(async db =>
        {
            var grants = db.Grants.Where(g => g.EndedAt == null && g.Entitlement.Value == "admin");
            var resources = await db.Grants.Where(g => g.EndedAt == null && g.Entitlement.IsPrivileged)
                .GroupBy(g => g.Entitlement.Resource.Name)
                .Where(g => g.Any(x => x.Entitlement.Value == "admin") && g.All(x => x.Entitlement.Value == "admin"))
                .Select(g => g.Key).ToListAsync();
            return (Items: await grants.CountAsync(), Privileged: await grants.CountAsync(g => g.Entitlement.IsPrivileged), Orphaned: resources);
        });
        Assert.True(expected.Items > 0, "The demo directory has no org admin grants.");

        var previewButton = Page.GetByTestId("campaign-preview");
        var launch = Page.GetByTestId("campaign-launch");
        await previewButton.ClickAsync();
        var result = Page.GetByTestId("campaign-preview-result");
        await Expect(result.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveTextAsync(new Regex($"^{expected.Items} items for \\d+ reviewers$"));
        await Expect(Page.GetByTestId("campaign-blast-radius"))
            .ToHaveTextAsync($"If nobody responds, {expected.Items} grant(s) would be removed, {expected.Privileged} of them admin/owner access.");
        if (expected.Orphaned.Count > 0)
        {
            var blocked = Page.GetByTestId("campaign-blocked");
            await Expect(blocked).ToBeVisibleAsync();
            foreach (var resource in expected.Orphaned)
            {
                await Expect(blocked).ToContainTextAsync(resource);
            }
            await Expect(launch).ToBeDisabledAsync();
        }
        else
        {
            await Expect(Page.GetByTestId("campaign-blocked")).ToHaveCountAsync(0);
        }
        await Accessibility.AssertNoSeriousViolationsAsync(Page);

        // "No change" for silence: nothing removed, launch allowed.
        await MudInputs.SelectAsync(Page, Page.GetByTestId("campaign-default"), "No change");
        await previewButton.ClickAsync();
        await Expect(Page.GetByTestId("campaign-blast-radius"))
            .ToHaveTextAsync("If nobody responds, 0 grant(s) would be removed, 0 of them admin/owner access.");
        await Expect(Page.GetByTestId("campaign-blocked")).ToHaveCountAsync(0);
        await Expect(launch).ToBeEnabledAsync();

        // Changing the rules invalidates the preview: no launching on a blast radius computed for other settings.
        await MudInputs.SelectAsync(Page, Page.GetByTestId("campaign-default"), "Revoke");
        await Expect(Page.GetByTestId("campaign-preview-result")).ToHaveCountAsync(0);
        await Expect(launch).ToBeDisabledAsync();
        await MudInputs.SelectAsync(Page, Page.GetByTestId("campaign-default"), "No change");
        await previewButton.ClickAsync();
        await Expect(Page.GetByTestId("campaign-blast-radius"))
            .ToHaveTextAsync("If nobody responds, 0 grant(s) would be removed, 0 of them admin/owner access.");
        await Expect(launch).ToBeEnabledAsync();
        await launch.ClickAsync();

        await Expect(Page).ToHaveURLAsync(DashboardUrl());
        var launched = await _data.QueryAsync(db => db.Campaigns.AsNoTracking().SingleAsync(c => c.Name == name));
        Assert.EndsWith($"/campaigns/{launched.Id}", Page.Url, StringComparison.Ordinal);
        Assert.Equal(CampaignStatus.Active, launched.Status);
        Assert.Equal(UnreviewedOutcome.NoChange, launched.UnreviewedOutcome);
        Assert.Equal(expected.Items, await _data.QueryAsync(db => db.ReviewItems.CountAsync(i => i.CampaignId == launched.Id)));
        await BlazorReady.WaitAsync(Page);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(name);
        await Expect(Page.GetByTestId("stat-campaign-items-value")).ToHaveTextAsync(expected.Items.ToString(CultureInfo.InvariantCulture));
        await Expect(Page.GetByTestId("reviewer-table")).ToBeVisibleAsync();
        await Expect(Page.GetByText($"Launched with {expected.Items} items.")).ToBeVisibleAsync();
        await Accessibility.WaitForAnimationsAsync(Page);
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }

    [BrowserFact]
    public async Task Compliance_OpensCampaignDashboard_CannotCloseItOrDecideAnything()
    {
        var compliance = await _data.PersonaAsync(Personas.Compliance);
        var demo = await _data.DemoCampaignAsync();
        await Personas.SignInAsAsync(Page, Personas.Compliance);

        await Page.GotoAsync("/campaigns");
        await BlazorReady.WaitAsync(Page);
        await Expect(Page.GetByTestId("campaigns-table")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("new-campaign")).ToHaveCountAsync(0);
        await Page.GetByTestId("campaigns-table").GetByRole(AriaRole.Link, new() { Name = demo.Name, Exact = true }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex($"/campaigns/{demo.Id}$"));
        await BlazorReady.WaitAsync(Page);

        // The dashboard has rendered (reviewers and remediation) before the absence checks.
        await Expect(Page.GetByTestId("reviewer-table")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("remediation-table")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("close-campaign")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("confirm-close")).ToHaveCountAsync(0);
        await Expect(Page.Locator("[data-testid^='decide-']")).ToHaveCountAsync(0);
        await Expect(Page.Locator("[data-testid^='remind-']")).ToHaveCountAsync(0);

        // Nor a queue of items to decide: compliance reviews nothing.
        var (decided, total) = await _data.ProgressAsync(compliance.IdentityId);
        Assert.Equal((0, 0), (decided, total));
        await Page.GotoAsync("/reviews");
        await BlazorReady.WaitAsync(Page);
        await Expect(Page.GetByTestId("review-progress-text")).ToHaveTextAsync("0 of 0 decided");
        await Expect(Page.GetByTestId("open-item")).ToHaveCountAsync(0);
        await Expect(Page.Locator("[data-testid^='decide-']")).ToHaveCountAsync(0);
    }

    [GeneratedRegex(@"/campaigns/\d+$")]
    private static partial Regex DashboardUrl();
}
