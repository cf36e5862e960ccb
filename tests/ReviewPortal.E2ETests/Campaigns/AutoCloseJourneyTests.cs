using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.E2ETests.Reviews;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Remediation;

namespace ReviewPortal.E2ETests.Campaigns;

/// <summary>
/// Issue #14 (2) end to end, on its own app: an admin launches a campaign that closes itself and applies its results; the
/// due time passes and the automatic close runs; the dashboard shows it closed and its removals done. Nobody clicks Close
/// or "run remediation now", and remediation's own schedule is off, so the removals went out because of the auto-apply.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AutoCloseJourneyTests(BrowserFixture browser) : IsolatedBrowserTest(browser)
{
    /// <summary>Hangfire's <c>Cron.Never()</c>: 31 February.</summary>
    private const string Never = "0 0 31 2 *";

    protected override IDictionary<string, string?> AppSettings => new Dictionary<string, string?>
    {
        ["Remediation:Cron"] = Never,
        ["Campaigns:AutoCloseCron"] = Never,
    };

    [BrowserFact]
    public async Task Admin_LaunchesAutoClosingAutoApplyingCampaign_DueTimePasses_DashboardShowsItClosedAndRemovalsDone()
    {
        var data = new DemoData(App);
        var admin = await data.PersonaAsync(Personas.Admin);
        await Personas.SignInAsAsync(Page, Personas.Admin);
        await Page.GotoAsync("/campaigns/new");
        await BlazorReady.WaitAsync(Page);
        var name = $"E2E auto-close {Guid.NewGuid():N}"[..28];
        await Page.GetByTestId("campaign-name").FillAsync(name);
        await MudInputs.MultiSelectAsync(Page, Page.GetByRole(AriaRole.Combobox, new() { Name = "Roles (empty = all)" }), "workspace_developer");
        await MudInputs.SelectAsync(Page, Page.GetByTestId("campaign-default"), "Revoke");
        var fallback = Page.GetByTestId("campaign-fallback");
        await fallback.FillAsync(admin.FullName);
        await Page.GetByRole(AriaRole.Option).Filter(new() { HasText = admin.FullName }).First.ClickAsync();
        // New campaigns close themselves by default; applying the removals unattended is the admin's choice.
        var autoClose = Page.GetByRole(AriaRole.Switch, new() { Name = "Close automatically at the due date" });
        var autoApply = Page.GetByRole(AriaRole.Switch, new() { Name = "Then carry out the removals at once" });
        await Expect(autoClose).ToBeCheckedAsync();
        await Expect(autoApply).Not.ToBeCheckedAsync();
        await autoApply.CheckAsync();
        await Page.GetByTestId("campaign-preview").ClickAsync();
        var launch = Page.GetByTestId("campaign-launch");
        await Expect(launch).ToBeEnabledAsync();
        await launch.ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex(@"/campaigns/\d+$"));
        var campaign = await data.QueryAsync(db => db.Campaigns.AsNoTracking().SingleAsync(c => c.Name == name));
        Assert.True(campaign.Definition.AutoClose && campaign.Definition.AutoApply);
        var items = await data.QueryAsync(db => db.ReviewItems.CountAsync(i => i.CampaignId == campaign.Id));
        Assert.True(items > 0, "The campaign has no items: the demo directory has no workspace developers.");

        // The due time passes (the stored due time moves into the past, as the days would), and the job runs on its schedule.
        var past = DateTimeOffset.UtcNow.AddMinutes(-1);
        await data.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.DueAt, past)));
        using (var scope = App.Services.CreateScope())
        {
            var run = await scope.ServiceProvider.GetRequiredService<AutoCloseCampaignsJob>().RunAsync();
            Assert.Equal(1, run.Closed);
            Assert.True(run.Remediation is { Skipped: false } r && r.Due == run.RemediationTasks,
                $"The remediation run after the close: {run.Remediation}; tasks opened: {run.RemediationTasks}. {string.Join(" | ", App.RecentLogLines.TakeLast(15))}");
        }

        await Page.GotoAsync($"/campaigns/{campaign.Id}");
        await BlazorReady.WaitAsync(Page);
        await Expect(Page.GetByText(new Regex("^Closed · launched"))).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("close-campaign")).ToHaveCountAsync(0);
        var chips = Page.GetByTestId("remediation-table").GetByTestId("remediation-status");
        await Expect(chips).ToHaveCountAsync(items);
        var done = RemediationStatusChip.Text(RemediationStatus.Succeeded);
        foreach (var chip in await chips.AllAsync())
        {
            await Expect(chip).ToHaveTextAsync(done);
        }
        Assert.Equal(items, await data.QueryAsync(db => db.RemediationTasks.CountAsync(t =>
            t.Status == RemediationStatus.Succeeded && db.ReviewItems.Any(i => i.Id == t.ReviewItemId && i.CampaignId == campaign.Id))));
        await Accessibility.WaitForAnimationsAsync(Page);
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }
}
