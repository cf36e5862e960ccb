using System.Globalization;
using System.Text.RegularExpressions;
using Azure.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.E2ETests.Nodes;
using ReviewPortal.Tests.Features.People;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Features.People;
using Xunit.Abstractions;

namespace ReviewPortal.E2ETests.Live;

/// <summary>
/// Issue #13, 4: a real organization with no simulation anywhere. The portal runs in Live mode against HTTP fakes of the
/// Claude Compliance and Admin APIs (<see cref="FakeClaudeApi"/>) and of Microsoft Graph (<see cref="FakeGraph"/>, people
/// from Entra ID with <c>People:Source=EntraId</c>); no demo seed. The first people and directory syncs run as the
/// scheduler would run them on a fresh deployment (nobody can sign in before them); from then on every step is a click:
/// the admin sets a workspace's backup owner and an approval policy, launches a campaign with the Manager rule, the
/// manager Graph names revokes a report's workspace access, the admin closes the campaign, runs remediation (one call to
/// the Admin API fake) and the directory sync that verifies it; then a person leaves in Graph, the admin runs the people
/// sync (which queues a directory sync after it) and the departed-owner rule, and their key's review goes to their manager. Every schedule the admin triggers is
/// off for this app, so each step happens because of a click. axe on every page of the journey.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveOrganizationJourneyTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string Never = "0 0 31 2 *";
    private const string CampaignName = "Live quarterly access review";
    private const string Justification = "Moved to the data team in March; no longer works on prod.";
    private static readonly LocatorAssertionsToHaveTextOptions JobTimeout = new() { Timeout = 120_000 };

    private static readonly IReadOnlyDictionary<string, (string ComplianceKey, string AdminKey)> Keys = new Dictionary<string, (string, string)>
    {
        ["live"] = ("sk-ant-api01-liveComplianceKeyTest000000000000000000LV", "sk-ant-admin01-liveAdminKeyTest00000000000000000000LV"),
    };

    /// <summary>Entra's object ids for the fake organization's people (not Claude's user ids: the portal matches by email).</summary>
    private static string EntraId(FakeOrganization.Person person) =>
        $"00000000-0000-4000-8000-{FakeOrganization.People.ToList().IndexOf(person) + 1:D12}";

    private static FakeOrganization.Person Person(string name) => FakeOrganization.People.Single(p => p.Name == name);

    [BrowserFact]
    public async Task LiveOrganization_SetupCampaignRevokeRemediateVerify_ThenALeaversKeyGoesToTheirManager()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var api = new FakeClaudeApi(new FakeOrganization(DateTimeOffset.UtcNow), requestsPerMinute: 600, Keys);
        await api.StartAsync();
        await using var graph = new FakeGraph();
        await graph.StartAsync();
        foreach (var person in FakeOrganization.People)
        {
            graph.Upsert(EntraId(person), person.Name, person.Email, person.Department, person.Title,
                person.ManagerId is { } manager ? EntraId(FakeOrganization.People.Single(p => p.Id == manager)) : null);
        }
        await using var app = await AppServer.StartAsync(new Dictionary<string, string?>
        {
            ["Claude:Mode"] = "Live",
            ["Claude:BaseUrl"] = api.BaseUrl,
            ["Claude:ComplianceKey"] = Keys["live"].ComplianceKey,
            ["Claude:AdminKey"] = Keys["live"].AdminKey,
            ["People:Source"] = "EntraId",
            ["People:Graph:BaseUrl"] = graph.BaseUrl,
            ["People:SyncCron"] = Never,
            ["Demo:SeedOnStartup"] = "false",
            ["Ingestion:ActivityCron"] = Never,
            ["Ingestion:DirectoryCron"] = Never,
            ["Remediation:Cron"] = Never,
            ["Lifecycle:Cron"] = Never,
        },
        // The app registration's client credentials would ask login.microsoftonline.com: the fake takes its own token.
        services => services.Replace(ServiceDescriptor.Singleton<TokenCredential>(new FakeGraph.Credential())));
        var data = new DemoData(app);
        await using var context = await browser.NewContextAsync(app.BaseUrl);
        var page = await context.NewPageAsync();

        // 0. A fresh deployment's first runs: people from Graph, then the Claude directory (the scheduler runs both at start).
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var people = await ActivatorUtilities.CreateInstance<SyncPeopleJob>(scope.ServiceProvider).RunAsync();
            Assert.True(people.Status == IngestionRunStatus.Succeeded, people.Error);
            var directory = await ActivatorUtilities.CreateInstance<SyncDirectoryJob>(scope.ServiceProvider).RunAsync();
            Assert.True(directory.Status == IngestionRunStatus.Succeeded, directory.Error);
        }
        Assert.NotEmpty(graph.Requests);
        // Every person's manager is the one Graph names, matched to the Claude user by email.
        var managers = await data.QueryAsync(db => db.Identities.AsNoTracking().Where(i => i.Kind == IdentityKind.Person)
            .Select(i => new { i.Email, Manager = i.Manager == null ? null : i.Manager.Email, i.EmploymentStatus }).ToListAsync());
        Assert.Equal(FakeOrganization.People.Count, managers.Count);
        Assert.All(FakeOrganization.People, p => Assert.Equal(
            (p.ManagerId is { } m ? FakeOrganization.People.Single(x => x.Id == m).Email : null, EmploymentStatus.Active),
            managers.Where(i => i.Email == p.Email).Select(i => (i.Manager, i.EmploymentStatus)).Single()));
        output.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1}s people and directory synced: {graph.Requests.Count} Graph requests, {api.Requests.Count} Claude requests");

        var mark = await IdentityIdAsync(data, "Mark Mercer");
        var research = await data.QueryAsync(db => db.Resources.AsNoTracking().SingleAsync(r => r.ExternalId == FakeOrganization.Research));
        var prod = await data.QueryAsync(db => db.Resources.AsNoTracking().SingleAsync(r => r.ExternalId == FakeOrganization.Prod));

        // 1. The admin Graph and Claude agree on (Alice, a Console admin) signs in and sees the people directory.
        Assert.Equal("Alice Ackroyd", (await data.PersonaAsync(Personas.Admin)).FullName);
        Assert.Equal(mark, (await data.PersonaAsync(Personas.Manager)).IdentityId);
        await Personas.SignInAsAsync(page, Personas.Admin);
        await page.GotoAsync("/admin/connectors");
        await BlazorReady.WaitAsync(page);
        await Assertions.Expect(page.GetByTestId("people-directory")).ToContainTextAsync("Entra ID");
        await Accessibility.AssertNoSeriousViolationsAsync(page);

        // 2. Owners: the research workspace keeps the sync's suggestion (its first employed admin) and gets a backup owner.
        await page.GotoAsync("/admin/owners");
        await BlazorReady.WaitAsync(page);
        await page.GetByTestId($"edit-resource-owners-{research.Id}").ClickAsync();
        var editor = page.GetByTestId("resource-owners-editor");
        await Assertions.Expect(editor.GetByTestId("resource-owner-suggestion")).ToContainTextAsync("Rita Ruiz");
        await PickPersonAsync(page, editor.GetByRole(AriaRole.Combobox, new() { Name = "Backup owner" }), "Nina", "Nina Novak (Data Scientist)");
        await editor.GetByTestId("resource-owners-save").ClickAsync();
        await Assertions.Expect(editor.GetByTestId("change-history-entry")).ToHaveCountAsync(1);
        var owners = await data.QueryAsync(db => db.Resources.AsNoTracking().Where(r => r.Id == research.Id)
            .Select(r => new { Owner = r.Owner!.DisplayName, Backup = r.BackupOwner!.DisplayName }).SingleAsync());
        Assert.Equal(("Rita Ruiz", "Nina Novak"), (owners.Owner, owners.Backup));
        await Accessibility.WaitForAnimationsAsync(page);
        await Accessibility.AssertNoSeriousViolationsAsync(page);

        // 3. An approval policy for the prod workspace: its owner alone approves, escalation after 3 days, 30 days at most.
        await page.GotoAsync("/admin/approval-policies");
        await BlazorReady.WaitAsync(page);
        var add = page.GetByRole(AriaRole.Combobox, new() { Name = "Add a policy for…" });
        await add.FillAsync(prod.Name);
        // The workspace itself, not one of its entitlements: "Console workspace prod (every entitlement)".
        await page.GetByRole(AriaRole.Option).Filter(new() { HasText = $" {prod.Name} (every entitlement)" }).ClickAsync();
        var policyEditor = page.GetByTestId("policy-editor");
        await Assertions.Expect(policyEditor).ToBeVisibleAsync();
        await MudInputs.SelectAsync(page, policyEditor.GetByTestId("policy-flow"), "Owner only");
        await policyEditor.GetByLabel("Escalate after (days)").FillAsync("3");
        await policyEditor.GetByLabel("Maximum duration (days)").FillAsync("30");
        await policyEditor.GetByTestId("policy-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("policies-table")).ToContainTextAsync("Owner only");
        var policy = await data.QueryAsync(db => db.ApprovalPolicies.AsNoTracking().SingleAsync(p => p.ResourceId == prod.Id));
        Assert.Equal((ApprovalFlow.OwnerOnly, 3, (int?)30), (policy.Flow, policy.EscalateAfterDays, policy.MaxDurationDays));
        await Accessibility.WaitForAnimationsAsync(page);
        await Accessibility.AssertNoSeriousViolationsAsync(page);

        // 4. A campaign over everything, reviewed by managers; what has no manager goes to Alice.
        await page.GotoAsync("/campaigns/new");
        await BlazorReady.WaitAsync(page);
        await page.GetByTestId("campaign-name").FillAsync(CampaignName);
        await PickPersonAsync(page, page.GetByRole(AriaRole.Combobox, new() { Name = "Fallback reviewer" }), "Alice Ackroyd", "Alice Ackroyd (IAM Lead)");
        await page.GetByTestId("campaign-preview").ClickAsync();
        await Assertions.Expect(page.GetByTestId("campaign-preview-result")).ToBeVisibleAsync();
        // The launch button turns from disabled to primary with a transition: measured mid-way it fails contrast.
        await Accessibility.WaitForAnimationsAsync(page);
        await Accessibility.AssertNoSeriousViolationsAsync(page);
        await page.GetByTestId("campaign-launch").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/campaigns/\\d+$"));
        var campaignId = await data.QueryAsync(db => db.Campaigns.Where(c => c.Name == CampaignName).Select(c => c.Id).SingleAsync());

        // The items reached the real managers: a person's access goes to the manager Graph names, a key to its owner's manager.
        var items = await data.QueryAsync(db => db.ReviewItems.AsNoTracking().Where(i => i.CampaignId == campaignId)
            .Select(i => new
            {
                i.Id, Holder = i.Identity.DisplayName, i.Identity.Kind, Entitlement = i.Entitlement.DisplayName, i.EvidenceHash,
                ResourceExternalId = i.Entitlement.Resource.ExternalId, i.ReviewerId, Reviewer = i.Reviewer.Email,
                Expected = i.Identity.Kind == IdentityKind.Person ? i.Identity.Manager!.Email : i.Identity.Owner!.Manager!.Email,
            }).ToListAsync());
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Equal(i.Expected ?? "alice@northwind.example", i.Reviewer));
        var marks = items.Where(i => i.ReviewerId == mark).ToList();
        var ben = Person("Ben Brooks");
        var revoke = marks.Single(i => i.Holder == ben.Name && i.Kind == IdentityKind.Person && i.ResourceExternalId == FakeOrganization.Prod);
        output.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1}s campaign {campaignId} launched: {items.Count} items, Mark {marks.Count}");

        // 5. Mark revokes Ben's prod access in the browser.
        await Personas.SignInAsAsync(page, Personas.Manager);
        await page.GotoAsync("/reviews");
        await BlazorReady.WaitAsync(page);
        var progress = page.GetByTestId("review-progress-text");
        await Assertions.Expect(progress).ToHaveTextAsync($"0 of {marks.Count} decided");
        await page.GetByTestId("reviews-grid").GetByRole(AriaRole.Button, new() { Name = $"Open {revoke.Holder}: {revoke.Entitlement}", Exact = true }).ClickAsync();
        var panel = page.GetByTestId("item-drawer").GetByTestId("review-item-panel");
        await Assertions.Expect(panel.GetByTestId("evidence-hash")).ToHaveTextAsync(revoke.EvidenceHash);
        await Accessibility.AssertNoSeriousViolationsAsync(page);
        await panel.GetByTestId("justification").FillAsync(Justification);
        await panel.GetByTestId("decide-revoke").ClickAsync();
        await Assertions.Expect(progress).ToHaveTextAsync($"1 of {marks.Count} decided");

        // 6. The admin closes the campaign and runs remediation: one call to the Admin API, the one the revoke asks for.
        await Personas.SignInAsAsync(page, Personas.Admin);
        await page.GotoAsync($"/campaigns/{campaignId}");
        await BlazorReady.WaitAsync(page);
        await page.GetByTestId("close-campaign").ClickAsync();
        await page.GetByTestId("confirm-close").ClickAsync();
        await Assertions.Expect(page.GetByTestId("close-campaign")).ToHaveCountAsync(0);
        await page.GotoAsync("/admin/remediation");
        await BlazorReady.WaitAsync(page);
        var status = page.GetByTestId("remediation-tasks").GetByTestId("remediation-status");
        await Assertions.Expect(status).ToHaveTextAsync(["Pending"]);
        await page.GetByTestId("run-remediation").ClickAsync();
        await Assertions.Expect(status).ToHaveTextAsync(["Succeeded"], new() { Timeout = JobTimeout.Timeout });
        var calls = api.Requests.Where(r => r.Method != "GET").Select(r => $"{r.Method} {r.Path}").ToList();
        Assert.Equal([$"DELETE /v1/organizations/workspaces/{FakeOrganization.Prod}/members/{ben.Id}"], calls);

        // 7. The next directory sync sees the access gone: Verified. The owners the admin chose are kept.
        await page.GotoAsync("/admin/connectors");
        await BlazorReady.WaitAsync(page);
        await page.GetByTestId("run-sync").ClickAsync();
        await Assertions.Expect(page.GetByText("Queued (background job")).ToBeVisibleAsync();
        await page.GotoAsync("/admin/remediation");
        await BlazorReady.WaitAsync(page);
        await Assertions.Expect(status).ToHaveTextAsync(["Verified"], JobTimeout);
        await Accessibility.WaitForAnimationsAsync(page);
        await Accessibility.AssertNoSeriousViolationsAsync(page);
        var kept = await data.QueryAsync(db => db.Resources.AsNoTracking().Where(r => r.Id == research.Id)
            .Select(r => new { Owner = r.Owner!.DisplayName, Backup = r.BackupOwner!.DisplayName }).SingleAsync());
        Assert.Equal(("Rita Ruiz", "Nina Novak"), (kept.Owner, kept.Backup));
        output.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1}s closed, remediated through the Admin API, verified by the sync");

        // 8. Dev leaves: Entra deletes the account. The admin runs the people sync, then the departed-owner rule.
        var dev = Person("Dev Patel");
        graph.Remove(EntraId(dev));
        await page.GotoAsync("/admin/connectors");
        await BlazorReady.WaitAsync(page);
        // One click: the people sync stores what Entra says, and the directory sync it queues after it gives that to Claude's people.
        await page.GetByTestId("run-people-sync").ClickAsync();
        await Assertions.Expect(page.GetByText("then a directory sync")).ToBeVisibleAsync();
        var devId = await IdentityIdAsync(data, dev.Name);
        await WaitAsync(app, () => data.QueryAsync(db => db.Identities.AnyAsync(i => i.Id == devId && i.EmploymentStatus == EmploymentStatus.Departed)),
            departed => departed, "Dev Patel departed after the people sync and the directory sync it queued");
        Assert.Equal(2, await data.QueryAsync(db => db.IngestionRuns.CountAsync(r => r.Job == SyncPeopleJob.JobName && r.Status == IngestionRunStatus.Succeeded)));
        var expected = await data.QueryAsync(db => db.Grants.CountAsync(g => g.EndedAt == null && g.Identity.Status == "active"
            && g.Identity.Kind != IdentityKind.Person && g.Identity.OwnerId == devId));
        Assert.True(expected > 0, "Dev's key has no open grant to review.");
        await page.GotoAsync("/admin/lifecycle");
        await BlazorReady.WaitAsync(page);
        await page.GetByLabel("Keys of departed people go to their manager").CheckAsync();
        await page.GetByTestId("lifecycle-save").ClickAsync();
        await Assertions.Expect(page.GetByText("Lifecycle rules saved")).ToBeVisibleAsync();
        await page.GetByTestId("lifecycle-run-now").ClickAsync();
        await Assertions.Expect(page.GetByTestId("last-run-departed-owner"))
            .ToContainTextAsync($"opened {expected} review item{(expected == 1 ? "" : "s")}", new() { Timeout = JobTimeout.Timeout });
        await Accessibility.WaitForAnimationsAsync(page);
        await Accessibility.AssertNoSeriousViolationsAsync(page);

        // 9. The key's review is Mark's (Dev's manager in Graph), and he sees it in his queue.
        var micro = await data.QueryAsync(db => db.ReviewItems.AsNoTracking()
            .Where(i => i.Campaign.LifecycleRule == LifecycleRule.DepartedOwner)
            .Select(i => new { i.ReviewerId, Holder = i.Identity.DisplayName, Entitlement = i.Entitlement.DisplayName, i.Identity.OwnerId }).ToListAsync());
        Assert.Equal(expected, micro.Count);
        Assert.All(micro, i => Assert.Equal((mark, (int?)devId), (i.ReviewerId, i.OwnerId)));
        await Personas.SignInAsAsync(page, Personas.Manager);
        await page.GotoAsync("/reviews");
        await BlazorReady.WaitAsync(page);
        await Assertions.Expect(page.GetByTestId("reviews-grid").GetByRole(AriaRole.Button,
            new() { Name = $"Open {micro[0].Holder}: {micro[0].Entitlement}", Exact = true })).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page);
        // Nothing but the revoke was ever changed upstream.
        Assert.Single(api.Requests, r => r.Method != "GET");
        output.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1}s leaver's key reviewed by their manager; {graph.Requests.Count} Graph and {api.Requests.Count} Claude requests");
    }

    private static Task<int> IdentityIdAsync(DemoData data, string name) =>
        data.QueryAsync(db => db.Identities.Where(i => i.Kind == IdentityKind.Person && i.DisplayName == name).Select(i => i.Id).SingleAsync());

    /// <summary>Types into a person picker and chooses the option; waits until the list has closed and the value shows.</summary>
    private static async Task PickPersonAsync(IPage page, ILocator picker, string typed, string option)
    {
        await picker.FillAsync(typed);
        await page.GetByRole(AriaRole.Option).Filter(new() { HasText = option }).First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Listbox)).ToHaveCountAsync(0);
        // The name and title, then the email that tells namesakes apart (issue #15, 8).
        await Assertions.Expect(picker).ToHaveValueAsync(new Regex($"^{Regex.Escape(option)} · \\S+@\\S+$"));
    }

    private static async Task WaitAsync<T>(AppServer app, Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!done(await read()))
        {
            Assert.True(DateTime.UtcNow < deadline,
                $"Waited 120 s for: {what}. The app's last lines:{Environment.NewLine}{string.Join(Environment.NewLine, app.RecentLogLines.TakeLast(40))}");
            await Task.Delay(250);
        }
    }
}
