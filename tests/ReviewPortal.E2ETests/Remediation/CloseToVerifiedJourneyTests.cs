using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.E2ETests.Reviews;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.E2ETests.Remediation;

/// <summary>
/// Issue #7 end to end, on its own app (closing the demo campaign changes what every other test reads): a manager revokes
/// in the browser; an admin finds the manager's launch mail (queued by the launch), closes the campaign, runs remediation,
/// syncs the directory and sees the tasks turn Verified, then reads that mail in the outbox. The schedules of the jobs the admin
/// triggers are switched off for this app, so every step happens because of the admin's click, not a lucky cron tick.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CloseToVerifiedJourneyTests(BrowserFixture browser) : IsolatedBrowserTest(browser)
{
    /// <summary>Hangfire's <c>Cron.Never()</c>: 31 February.</summary>
    private const string Never = "0 0 31 2 *";
    private const string PortalUrl = "https://reviews.northwind.example";
    private const string Justification = "Left the project in the spring; this access has had no use since.";

    /// <summary>Background jobs (an Admin API call per task, a full directory sync of 300 people) on 2 loaded cores.</summary>
    private static readonly LocatorAssertionsToHaveTextOptions JobTimeout = new() { Timeout = 120_000 };

    protected override IDictionary<string, string?> AppSettings => new Dictionary<string, string?>
    {
        ["Remediation:Cron"] = Never,
        ["Ingestion:DirectoryCron"] = Never,
        ["Email:RemindersCron"] = Never,
        ["Email:PortalBaseUrl"] = PortalUrl,
    };

    [BrowserFact]
    public async Task Admin_ClosesCampaign_RunsRemediation_SyncVerifiesIt_ThenReadsTheReviewersLaunchMail()
    {
        var data = new DemoData(App);
        var demo = await data.DemoCampaignAsync();
        var manager = await data.PersonaAsync(Personas.Manager);
        var managerEmail = (await data.IdentityAsync(manager.IdentityId)).Email;
        Assert.False(string.IsNullOrEmpty(managerEmail), "The manager persona has no email, so no reminder can reach them.");
        var revokes = await data.UndecidedAsync(manager.IdentityId, Recommendation.Revoke);
        var targets = await ApiRemovableAsync(data, revokes.Take(50).ToList(), take: 2);
        Assert.True(targets.Count > 0,
            $"None of the manager's {revokes.Count} undecided Revoke items is removable through the Admin API (a workspace role, a Console role or an API key).");

        // 1. The manager revokes, with a justification, in the browser.
        await Personas.SignInAsAsync(Page, Personas.Manager);
        await Page.GotoAsync("/reviews");
        await BlazorReady.WaitAsync(Page);
        var (decided, total) = await data.ProgressAsync(manager.IdentityId);
        var progress = Page.GetByTestId("review-progress-text");
        await Expect(progress).ToHaveTextAsync($"{decided} of {total} decided");
        await MudInputs.SelectAsync(Page, Page.GetByTestId("filter-recommendation"), "Revoke");
        var grid = Page.GetByTestId("reviews-grid");
        // The filter has applied once the grid lists exactly the undecided Revoke items (the queue shows undecided items only).
        await Expect(grid.GetByTestId("open-item").First).ToHaveAttributeAsync("aria-label", revokes[0].OpenButtonName);
        await Expect(grid.GetByTestId("open-item")).ToHaveCountAsync(Math.Min(revokes.Count, 50));
        var drawer = Page.GetByTestId("item-drawer");
        var panel = drawer.GetByTestId("review-item-panel");
        for (var n = 0; n < targets.Count; n++)
        {
            var target = targets[n];
            await grid.GetByRole(AriaRole.Button, new() { Name = target.OpenButtonName, Exact = true }).ClickAsync();
            await Expect(panel.GetByTestId("evidence-hash")).ToHaveTextAsync(target.EvidenceHash);
            await panel.GetByTestId("justification").FillAsync(Justification);
            await panel.GetByTestId("decide-revoke").ClickAsync();
            await Expect(progress).ToHaveTextAsync($"{decided + n + 1} of {total} decided");
            await Expect(grid.GetByTestId("open-item")).ToHaveCountAsync(Math.Min(revokes.Count - n - 1, 50));
            if (revokes.Count - n - 1 > 0)
            {
                await drawer.GetByRole(AriaRole.Button, new() { Name = "Close detail", Exact = true }).ClickAsync();
            }
            // The last Revoke item decided: nothing is left to move on to, so the drawer closes by itself.
            await Expect(drawer).Not.ToBeInViewportAsync();
            await Expect(drawer).Not.ToBeInViewportAsync();
        }
        foreach (var target in targets)
        {
            var stored = await data.ItemAsync(target.Id);
            Assert.Equal((DecisionOutcome.Revoke, Justification, manager.IdentityId), (stored.Outcome, stored.Justification, stored.DecidedById));
        }

        // 2. The launch queued the manager's launch mail itself (issue #14, 3), naming every item assigned at launch; it
        // waits in the outbox (or has left already), no reminder run needed.
        var assigned = await data.QueryAsync(db => db.ReviewItems.CountAsync(i => i.CampaignId == demo.Id && i.ReviewerId == manager.IdentityId));
        var items = assigned == 1 ? "1 access review item" : $"{assigned} access review items";
        var subject = $"Access review started: {items} to review by {demo.DueAt.UtcDateTime.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture)}";
        await Personas.SignInAsAsync(Page, Personas.Admin);
        await Page.GotoAsync("/admin/outbox");
        await BlazorReady.WaitAsync(Page);
        var reminderRow = Page.GetByTestId("outbox-table").GetByTestId("outbox-row").Filter(new() { HasText = managerEmail }).Filter(new() { HasText = subject });
        await Expect(reminderRow).ToHaveCountAsync(1);

        // 3. The admin closes the campaign on its dashboard: one task per revoke.
        await Page.GotoAsync($"/campaigns/{demo.Id}");
        await BlazorReady.WaitAsync(Page);
        await Page.GetByTestId("close-campaign").ClickAsync();
        await Page.GetByTestId("confirm-close").ClickAsync();
        await Expect(Page.GetByTestId("close-campaign")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("remediation-table").GetByTestId("remediation-status")).ToHaveCountAsync(targets.Count);
        var itemIds = targets.Select(t => (long?)t.Id).ToList();
        var tasks = await data.QueryAsync(db => db.RemediationTasks.AsNoTracking().Where(t => itemIds.Contains(t.ReviewItemId))
            .Select(t => new { t.Id, t.GrantId, t.Action }).ToListAsync());
        Assert.Equal(targets.Count, tasks.Count);
        Assert.DoesNotContain(tasks, t => t.Action == RemediationAction.Manual);

        // 4. The remediation page: Pending until the admin runs remediation, then Succeeded (the Admin API call was made).
        await Page.GotoAsync("/admin/remediation");
        await BlazorReady.WaitAsync(Page);
        var table = Page.GetByTestId("remediation-tasks");
        // The row whose "#" cell is exactly the task id (other cells, such as Attempts, hold small numbers too).
        ILocator StatusOf(long taskId) => table.GetByRole(AriaRole.Row)
            .Filter(new() { Has = Page.GetByTestId("remediation-task-id").GetByText(taskId.ToString(CultureInfo.InvariantCulture), new() { Exact = true }) })
            .GetByTestId("remediation-status");
        foreach (var task in tasks)
        {
            await Expect(StatusOf(task.Id)).ToHaveTextAsync("Pending");
        }
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
        await Page.GetByTestId("run-remediation").ClickAsync();
        foreach (var task in tasks)
        {
            await Expect(StatusOf(task.Id)).ToHaveTextAsync("Succeeded", JobTimeout);
        }
        await Expect(Page.GetByTestId("stat-remediation-verified")).ToContainTextAsync($"0 pending, {tasks.Count} awaiting the next sync");

        // 5. A directory sync (Connectors page) is the independent witness: the access is gone upstream, so Verified.
        await Page.GotoAsync("/admin/connectors");
        await BlazorReady.WaitAsync(Page);
        await Page.GetByTestId("run-sync").ClickAsync();
        await Expect(Page.GetByText("Queued (background job")).ToBeVisibleAsync();
        await Page.GotoAsync("/admin/remediation");
        await BlazorReady.WaitAsync(Page);
        foreach (var task in tasks)
        {
            await Expect(StatusOf(task.Id)).ToHaveTextAsync("Verified", JobTimeout);
        }
        await Expect(Page.GetByTestId("stat-remediation-verified-value")).ToHaveTextAsync(tasks.Count.ToString(CultureInfo.InvariantCulture));
        await Expect(Page.GetByTestId("stat-remediation-drift-value")).ToHaveTextAsync("0");
        var grantIds = tasks.Select(t => t.GrantId).ToList();
        Assert.Equal(tasks.Count, await data.QueryAsync(db => db.Grants.CountAsync(g => grantIds.Contains(g.Id) && g.EndedAt != null)));
        await Accessibility.WaitForAnimationsAsync(Page);
        await Accessibility.AssertNoSeriousViolationsAsync(Page);

        // 6. The outbox: the manager's launch mail names the campaign, the items assigned and links to them.
        await Page.GotoAsync("/admin/outbox");
        await BlazorReady.WaitAsync(Page);
        await reminderRow.GetByTestId("outbox-open").ClickAsync();
        var detail = Page.GetByTestId("outbox-detail");
        await Expect(detail.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveTextAsync(subject);
        await Expect(detail).ToContainTextAsync($"To {managerEmail}");
        var html = Page.FrameLocator("[data-testid=outbox-html]");
        await Expect(html.Locator("body")).ToContainTextAsync($"\"{demo.Name}\"");
        await Expect(html.GetByRole(AriaRole.Link, new() { Name = $"Review your {items}" })).ToHaveAttributeAsync("href", $"{PortalUrl}/reviews?campaign={demo.Id}");
        await detail.GetByRole(AriaRole.Tab, new() { Name = "Plain text" }).ClickAsync();
        var text = detail.GetByTestId("outbox-text");
        await Expect(text).ToContainTextAsync($"Hello {manager.FullName},");
        await Expect(text).ToContainTextAsync($"The access review \"{demo.Name}\" has started, and {items} are assigned to you.");
        await Expect(text).ToContainTextAsync($"Review your {items}: {PortalUrl}/reviews?campaign={demo.Id}");
        await Accessibility.WaitForAnimationsAsync(Page);
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }

    /// <summary>
    /// Items whose revoke the Admin API carries out (so the task runs instead of waiting for a person): a Console org role
    /// or a workspace role of a user who is not a Console admin/billing member (the API refuses those), or an API key;
    /// never a privileged role (the last-admin guard may make it manual). One item per holder, at most <paramref name="take"/>.
    /// </summary>
    private static async Task<List<ItemFacts>> ApiRemovableAsync(DemoData data, List<ItemFacts> revokes, int take)
    {
        var ids = revokes.Select(r => r.Id).ToList();
        var facts = await data.QueryAsync(db => db.ReviewItems.AsNoTracking().Where(i => ids.Contains(i.Id))
            .Select(i => new
            {
                i.Id, i.IdentityId, Holder = i.Identity.ExternalId, i.Entitlement.Kind, i.Entitlement.IsPrivileged, i.Entitlement.Resource.Platform,
                ConsoleAdminOrBilling = db.Grants.Any(g => g.IdentityId == i.IdentityId && g.EndedAt == null && g.Entitlement.Kind == EntitlementKind.OrgRole
                    && g.Entitlement.Resource.Platform == Platform.ClaudeConsole && (g.Entitlement.Value == "admin" || g.Entitlement.Value == "billing")),
            })
            .ToDictionaryAsync(i => i.Id));
        return revokes
            .Where(r => facts[r.Id] is { IsPrivileged: false } f && f.Kind switch
            {
                EntitlementKind.OrgRole => f.Platform == Platform.ClaudeConsole && f.Holder.StartsWith("user_", StringComparison.Ordinal),
                EntitlementKind.WorkspaceRole => f.Holder.StartsWith("user_", StringComparison.Ordinal) && !f.ConsoleAdminOrBilling,
                EntitlementKind.ApiKey => f.Holder.StartsWith("apikey_", StringComparison.Ordinal),
                _ => false,
            })
            .DistinctBy(r => facts[r.Id].IdentityId)
            .Take(take)
            .ToList();
    }
}
