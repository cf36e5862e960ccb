using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using MimeKit;
using netDumbster.smtp;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Tests.Infrastructure.Operations;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Infrastructure.Database;
using Xunit.Abstractions;

namespace ReviewPortal.E2ETests.Nodes;

/// <summary>The two-node test runs alone: two portals, a browser and the jobs of both already fill two cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NodesCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Nodes";
}

/// <summary>
/// Issue #12: several nodes on one database, for real. Two portal processes (<c>dotnet ReviewPortal.Web.dll</c>, Kestrel on
/// two ports) share one PostgreSQL database and Hangfire's PostgreSQL storage, each running every recurring job on short
/// schedules, in Live mode against <see cref="FakeClaudeApi"/> (each node with its own keys, one organization limit), and
/// mailing one SMTP listener. Two reviewers decide their items at the same time in two browsers, the manager through node
/// A and the admin through node B, while the jobs run on both; the admin launched the campaign and closes it (node B), so
/// remediation calls the Admin API, and asks for the directory sync that verifies the calls. Meanwhile the organization
/// has a busy spell, so the ingestion wants more requests than its minute allows. Then: one unbroken ledger with one entry
/// per change, every feed event stored once, every mail sent once, every remediation call made once, never more than the
/// organization's requests in any minute across both nodes, and node A's sign-in cookie accepted by node B.
/// <para>
/// The nodes run in Development, because the persona sign-in is the only one that can run here (Entra cannot); what
/// Development would otherwise choose is set to production values: <c>Database:Provider=Postgres</c>,
/// <c>Hangfire:Storage=Postgres</c>, <c>Claude:Mode=Live</c>, an SMTP host (no pickup folder), no demo seed. The Data
/// Protection keys are in the database by default in every environment. The HR context the Claude APIs do not carry
/// (titles, departments, managers; in production the people sync from Entra ID or a CSV file, driven end to end by
/// Live/LiveOrganizationJourneyTests) is written to the database by the test after the first directory sync, as that
/// sync would.
/// </para>
/// </summary>
[Collection(NodesCollection.Name)]
public sealed partial class TwoNodesTests(BrowserFixture browser, ITestOutputHelper output)
{
    /// <summary>
    /// Well above what the nodes' schedules need in a quiet minute (a directory sync of 12 paged requests every 30 s, two
    /// feed requests every 10 s: 36), below what they need once the organization gets busy (<see cref="BurstEvents"/>).
    /// </summary>
    private const int RequestsPerMinute = 90;

    /// <summary>Events the organization records at once after the first directory sync: 70 feed pages of 50.</summary>
    private const int BurstEvents = 3500;

    private const string Justification = "Checked with the team lead: decided in the quarterly review.";
    private const string CampaignName = "Two-node access review";
    private static readonly TimeSpan JobDeadline = TimeSpan.FromSeconds(150);

    private static readonly IReadOnlyDictionary<string, (string ComplianceKey, string AdminKey)> Keys = new Dictionary<string, (string, string)>
    {
        ["A"] = ("sk-ant-api01-nodeAComplianceKeyTest0000000000000000AA", "sk-ant-admin01-nodeAAdminKeyTest000000000000000000AA"),
        ["B"] = ("sk-ant-api01-nodeBComplianceKeyTest0000000000000000BB", "sk-ant-admin01-nodeBAdminKeyTest000000000000000000BB"),
    };

    /// <summary>
    /// The revokes the reviewers decide, each one the Admin API carries out: (holder, resource or key) → the one call
    /// expected at the API. Everything else in their queues is kept.
    /// </summary>
    private static readonly IReadOnlyList<(string Holder, string Resource, string Call)> Revokes =
    [
        // Mark's queue
        (Person("Ben Brooks"), FakeOrganization.Prod, $"DELETE /v1/organizations/workspaces/{FakeOrganization.Prod}/members/{Person("Ben Brooks")}"),
        ("apikey_01FakeDevBatch000000002", "apikey_01FakeDevBatch000000002", "POST /v1/organizations/api_keys/apikey_01FakeDevBatch000000002 {\"status\":\"inactive\"}"),
        (Person("Dev Patel"), FakeOrganization.ConsoleUuid, $"DELETE /v1/organizations/users/{Person("Dev Patel")}"),
        // Alice's queue
        (Person("Omar Okafor"), FakeOrganization.Research, $"DELETE /v1/organizations/workspaces/{FakeOrganization.Research}/members/{Person("Omar Okafor")}"),
        ("apikey_01FakeNinaNotebook00003", "apikey_01FakeNinaNotebook00003", "POST /v1/organizations/api_keys/apikey_01FakeNinaNotebook00003 {\"status\":\"inactive\"}"),
    ];

    private static string Person(string name) => FakeOrganization.People.Single(p => p.Name == name).Id;

    [BrowserPostgresFact]
    public async Task TwoNodes_ReviewersAndJobsOnBoth_OneLedgerAndEverythingOnceWithinTheOrganizationsBudget()
    {
        var clock = Stopwatch.StartNew();
        using var database = new PostgresTestDatabase();
        await using var api = new FakeClaudeApi(new FakeOrganization(DateTimeOffset.UtcNow), RequestsPerMinute, Keys);
        await api.StartAsync();
        var smtpPort = FreePort();
        using var smtp = SimpleSmtpServer.Start(smtpPort);
        using var processA = new PortalProcess();
        using var processB = new PortalProcess();
        var nodes = new Dictionary<string, PortalProcess.Running>();
        try
        {
            // One after the other, as a rolling start would: the first node creates Hangfire's schema in the database.
            var syncCron = FirstSyncSoon();
            nodes["A"] = await processA.StartAsync(NodeSettings("A", database, api, smtpPort, syncCron));
            nodes["B"] = await processB.StartAsync(NodeSettings("B", database, api, smtpPort, syncCron));
            var data = new Data(database);
            output.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1}s nodes listening: A {nodes["A"].BaseAddress}, B {nodes["B"].BaseAddress}");

            await WaitAsync("the first directory sync (a job on either node)", () => data.SyncedPeopleAsync(), n => n == FakeOrganization.People.Count);
            await data.WriteHrContextAsync();
            output.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1}s directory synced, HR context written");

            // A busy spell upstream: the next ingestion, on either node, wants more than the organization's minute allows,
            // and the budget both nodes share holds it back for that minute. Now, not earlier: the first directory sync
            // must not wait behind it (nobody can sign in before it), and the minute is over when remediation needs the API.
            api.Burst(BurstEvents);

            await using var contextA = await browser.NewContextAsync(nodes["A"].BaseAddress.ToString().TrimEnd('/'));
            await using var contextB = await browser.NewContextAsync(nodes["B"].BaseAddress.ToString().TrimEnd('/'));
            var pageA = await contextA.NewPageAsync();
            var pageB = await contextB.NewPageAsync();

            // The admin launches the campaign through node B; the manager signs in on node A meanwhile.
            async Task AdminLaunchesAsync()
            {
                await Personas.SignInAsAsync(pageB, Personas.Admin);
                await LaunchAsync(pageB);
            }
            await Task.WhenAll(AdminLaunchesAsync(), Personas.SignInAsAsync(pageA, Personas.Manager));
            var campaignId = await data.CampaignIdAsync(CampaignName);
            var mark = await data.IdentityIdAsync("Mark Mercer");
            var alice = await data.IdentityIdAsync("Alice Ackroyd");
            var markItems = await data.QueueAsync(campaignId, mark);
            var aliceItems = await data.QueueAsync(campaignId, alice);
            output.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1}s campaign {campaignId} launched: Mark {markItems.Count} items, Alice {aliceItems.Count}");

            // Node A's cookie on node B: the manager's own queue, served and made interactive by the other process.
            var crossNode = await contextA.NewPageAsync();
            await crossNode.GotoAsync($"{nodes["B"].BaseAddress.ToString().TrimEnd('/')}/reviews");
            await BlazorReady.WaitAsync(crossNode);
            Assert.EndsWith("/reviews", crossNode.Url, StringComparison.Ordinal);
            await Assertions.Expect(crossNode.GetByTestId("review-progress-text")).ToHaveTextAsync($"0 of {markItems.Count} decided");
            await crossNode.CloseAsync();
            output.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1}s the manager's sign-in cookie from node A accepted by node B");

            // Both reviewers at once, each through their own node, while both nodes' jobs run.
            await Task.WhenAll(DecideAsync(pageA, markItems), DecideAsync(pageB, aliceItems));
            output.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1}s decided: {markItems.Count} through node A, {aliceItems.Count} through node B");

            // The launch reminders go out while the campaign is active (Vera never decides, so she has items pending).
            var vera = await data.IdentityIdAsync("Vera Vance");
            await WaitAsync("the launch reminder to Vera, queued by send-reminders", () => data.MailsAsync(), m => m.Any(x => x.DeduplicationKey.StartsWith(
                $"{OutboxKeys.Reminder}:{campaignId}:{vera}:", StringComparison.Ordinal)));

            await pageB.GotoAsync($"/campaigns/{campaignId}");
            await BlazorReady.WaitAsync(pageB);
            await pageB.GetByTestId("close-campaign").ClickAsync();
            await pageB.GetByTestId("confirm-close").ClickAsync();
            await Assertions.Expect(pageB.GetByTestId("close-campaign")).ToHaveCountAsync(0);
            output.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1}s campaign closed");

            // The Admin API calls are made by whichever node's remediation run claims each task; then the admin asks for a
            // directory sync rather than wait for the schedule: the sync is the independent witness of the calls.
            await WaitAsync("every remediation task carried out through the Admin API", () => data.TasksAsync(),
                tasks => tasks.Count(t => t.ReviewItemId != null) == Revokes.Count
                    && tasks.All(t => t.Status is RemediationStatus.Succeeded or RemediationStatus.Verified));
            output.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1}s remediation succeeded");
            await pageB.GotoAsync("/admin/connectors");
            await BlazorReady.WaitAsync(pageB);
            await pageB.GetByTestId("run-sync").ClickAsync();
            await Assertions.Expect(pageB.GetByText("Queued (background job")).ToBeVisibleAsync();
            // Verifying a deactivated key also schedules its archive, 30 days on (ArchiveGraceDays): pending, not called.
            await WaitAsync("every remediation task verified by a later directory sync", () => data.TasksAsync(),
                tasks => tasks.Count(t => t.ReviewItemId != null) == Revokes.Count
                    && tasks.Where(t => t.ReviewItemId != null).All(t => t.Status == RemediationStatus.Verified)
                    && tasks.Count(t => t.Action == RemediationAction.ArchiveApiKey) == 2);
            output.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1}s remediation verified");
            await WaitAsync("the campaign-closed notice and every queued mail sent", () => data.MailsAsync(),
                m => m.Any(x => x.DeduplicationKey == OutboxKeys.ForCampaignClosed(campaignId)) && m.All(x => x.Status == OutboxStatus.Sent)
                    && smtp.ReceivedEmailCount >= m.Count);
            await WaitAsync("every event of the feed stored (the remediation's own events included)", () => data.ActivityIdsAsync(),
                ids => ids.Count >= api.ActivityIds.Count);
            output.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1}s quiet: mails sent, feed caught up");

            foreach (var node in nodes.Values)
            {
                await node.StopAsync(TimeSpan.FromSeconds(30));
            }
            await AssertAsync(data, api, smtp, campaignId, (mark, markItems), (alice, aliceItems), nodes, clock);
        }
        catch
        {
            foreach (var (name, node) in nodes)
            {
                output.WriteLine($"---- node {name}, last lines ----{Environment.NewLine}{string.Join(Environment.NewLine, node.Output.Split('\n').TakeLast(60))}");
            }
            throw;
        }
        finally
        {
            foreach (var node in nodes.Values)
            {
                await node.DisposeAsync();
            }
        }
    }

    private async Task AssertAsync(Data data, FakeClaudeApi api, SimpleSmtpServer smtp, int campaignId,
        (int Id, List<Item> Items) mark, (int Id, List<Item> Items) alice, Dictionary<string, PortalProcess.Running> nodes, Stopwatch clock)
    {
        // The ledger: one unbroken chain, checked by the operator's verb on the stopped system.
        using (var verifier = new PortalProcess())
        {
            var verify = await verifier.RunAsync(new Dictionary<string, string>(data.Database.EnvironmentVariables) { ["ASPNETCORE_ENVIRONMENT"] = "Production" },
                "verify-audit");
            Assert.True(verify.ExitCode == 0, $"verify-audit: {verify}");
            output.WriteLine($"verify-audit: {verify.OutLines[^1]}");
        }

        // ... with exactly one entry per change.
        await using var db = data.Context();
        var ledger = await db.AuditEntries.AsNoTracking().Select(e => new { e.Action, e.TargetType, e.TargetId }).ToListAsync();
        List<string> Targets(string action) => ledger.Where(e => e.Action == action).Select(e => e.TargetId).Order().ToList();
        void OnePer(string action, IEnumerable<string> changed)
        {
            var expected = changed.Order().ToList();
            Assert.True(expected.Count > 0, $"Nothing changed that '{action}' records: the scenario did not exercise it.");
            Assert.True(expected.SequenceEqual(Targets(action)),
                $"'{action}': {Targets(action).Count} entries for {expected.Count} changes (targets {string.Join(",", Targets(action))} vs {string.Join(",", expected)}).");
        }
        OnePer("review.decided", await db.ReviewDecisions.Where(d => d.ReviewItem.CampaignId == campaignId).Select(d => d.ReviewItemId.ToString()).ToListAsync());
        OnePer("portal.signed-in", [mark.Id.ToString(CultureInfo.InvariantCulture), alice.Id.ToString(CultureInfo.InvariantCulture)]);
        OnePer("campaign.launched", [campaignId.ToString(CultureInfo.InvariantCulture)]);
        OnePer("campaign.closed", [campaignId.ToString(CultureInfo.InvariantCulture)]);
        var allTasks = await db.RemediationTasks.AsNoTracking().ToListAsync();
        var tasks = allTasks.Where(t => t.ReviewItemId != null).Select(t => t.Id.ToString()).ToList();
        Assert.Equal(Revokes.Count, tasks.Count);
        Assert.All(allTasks.Where(t => t.ReviewItemId == null), t => Assert.Equal((RemediationAction.ArchiveApiKey, RemediationStatus.Pending), (t.Action, t.Status)));
        OnePer("remediation.created", allTasks.Select(t => t.Id.ToString()));
        OnePer("remediation.succeeded", tasks);
        OnePer("remediation.verified", tasks);
        OnePer("grant.opened", await db.Grants.Select(g => g.Id.ToString()).ToListAsync());
        OnePer("grant.closed", await db.Grants.Where(g => g.EndedAt != null).Select(g => g.Id.ToString()).ToListAsync());
        var mails = await db.OutboxEmails.AsNoTracking().ToListAsync();
        OnePer("email.sent", mails.Where(m => m.Status == OutboxStatus.Sent).Select(m => m.Id.ToString()));
        var runs = await db.IngestionRuns.AsNoTracking().ToListAsync();
        OnePer("connector.directory-sync", runs.Where(r => r.Job == "sync-directory" && r.Status == IngestionRunStatus.Succeeded).Select(r => r.Id.ToString()));
        // Every run that ended, however it ended (a run cancelled by a node's shutdown is recorded too).
        OnePer("connector.activity-run", runs.Where(r => r.Job == "ingest-activity" && r.EndedAt != null).Select(r => r.Id.ToString()));
        Assert.Equal(mark.Items.Count + alice.Items.Count, Targets("review.decided").Count);

        // Every activity event the organization recorded, stored once.
        var served = api.ActivityIds;
        var stored = await data.ActivityIdsAsync();
        Assert.Equal(served.Count, stored.Count);
        Assert.True(served.Order().SequenceEqual(stored.Order()), "The stored activity ids differ from the ids the feed served.");

        // Every mail sent once: the SMTP listener got exactly the outbox, each Message-ID once.
        var received = smtp.ReceivedEmail.Select(m => MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(m.Data)))).ToList();
        var expectedIds = mails.Select(m => EmailOutbox.MessageIdFor(m.DeduplicationKey, "reviewportal@northwind.example")).Order().ToList();
        Assert.All(mails, m => Assert.Equal(OutboxStatus.Sent, m.Status));
        Assert.Equal(expectedIds, received.Select(m => m.MessageId ?? "(none)").Order().ToList());

        // Every remediation call made once, and nothing else changed upstream.
        var calls = api.Requests.Where(r => r.Method != "GET")
            .Select(r => r.Body is { Length: > 0 } body ? $"{r.Method} {r.Path} {body}" : $"{r.Method} {r.Path}").Order().ToList();
        Assert.Equal(Revokes.Select(r => r.Call).Order().ToList(), calls);

        // Never more than the organization's requests in any minute, across both nodes, while the limit held requests back.
        // (The budget's window is a little longer than the API's minute, so the API's busiest minute may stay just under
        // the limit: that the limit was reached shows in the nodes' waits, logged by the budget.)
        var requests = api.Requests;
        var busiest = Busiest(requests);
        var perNode = string.Join(", ", busiest.Requests.GroupBy(r => r.Node).OrderBy(g => g.Key).Select(g => $"node {g.Key} {g.Count()}"));
        var waits = nodes.ToDictionary(n => n.Key, n => BudgetWait().Count(n.Value.Output));
        var summary = $"busiest minute from {busiest.Start:HH:mm:ss.fff}: {busiest.Requests.Count} requests ({perNode}), limit {RequestsPerMinute}; " +
            $"budget waits: {string.Join(", ", waits.Select(w => $"node {w.Key} {w.Value}"))}";
        Assert.True(busiest.Requests.Count <= RequestsPerMinute, summary);
        Assert.True(waits.Values.Sum() > 0, $"The shared budget never held a request back, so the test did not reach the limit: {summary}");
        Assert.DoesNotContain(requests, r => r.Status == 429);

        // The jobs ran on both nodes, and every recurring job ran.
        var jobs = await data.HangfireJobsAsync();
        var byNode = nodes.ToDictionary(n => n.Key, n => jobs.Where(j => j.ProcessId == n.Value.ProcessId).ToList());
        Assert.All(byNode, n => Assert.True(n.Value.Count > 0, $"Node {n.Key} processed no job."));
        foreach (var job in new[] { "IngestActivityJob", "SyncDirectoryJob", "EscalateApprovalsJob", "ExpireGrantsJob", "ProvisionScheduledRequestsJob",
                     "ExecuteRemediationJob", "SendOutboxJob", "SendRemindersJob", "ApplyLifecycleRulesJob" })
        {
            Assert.True(jobs.Any(j => j.Type == job), $"{job} never ran.");
        }

        output.WriteLine($"events served {served.Count}, stored {stored.Count}; mails {received.Count} (outbox {mails.Count}); " +
            $"remediation calls {calls.Count} for {tasks.Count} tasks (+{allTasks.Count - tasks.Count} key archives pending their grace period)");
        output.WriteLine($"Claude requests {requests.Count} (node A {requests.Count(r => r.Node == "A")}, node B {requests.Count(r => r.Node == "B")}); {summary}");
        output.WriteLine($"decisions: node A {mark.Items.Count} (Mark), node B {alice.Items.Count} (Alice)");
        output.WriteLine("jobs processed: " + string.Join("; ", byNode.Select(n => $"node {n.Key} {n.Value.Count} (" +
            string.Join(", ", n.Value.GroupBy(j => j.Type).OrderBy(g => g.Key).Select(g => $"{g.Key.Replace("Job", "")} {g.Count()}")) + ")")));
        output.WriteLine($"duration {clock.Elapsed.TotalSeconds:F1}s");
    }

    /// <summary>The 60 s window (starting at a request) holding the most requests.</summary>
    private static (DateTimeOffset Start, List<FakeClaudeApi.Served> Requests) Busiest(IReadOnlyList<FakeClaudeApi.Served> requests)
    {
        var sorted = requests.OrderBy(r => r.Timestamp).ToList();
        var best = (Start: DateTimeOffset.MinValue, Requests: new List<FakeClaudeApi.Served>());
        for (int start = 0, end = 0; start < sorted.Count; start++)
        {
            while (end < sorted.Count && Stopwatch.GetElapsedTime(sorted[start].Timestamp, sorted[end].Timestamp) < TimeSpan.FromMinutes(1))
            {
                end++;
            }
            if (end - start > best.Requests.Count)
            {
                best = (sorted[start].At, sorted.GetRange(start, end - start));
            }
        }
        return best;
    }

    /// <summary>
    /// Every 30 s, in the phase that puts the first run 15 s from now, once the nodes have started: the directory has to be
    /// there before anyone can sign in, and a schedule in the wrong phase would make the test wait up to half a minute.
    /// </summary>
    private static string FirstSyncSoon()
    {
        var second = (DateTime.UtcNow.Second + 15) % 30;
        return $"{second},{second + 30} * * * * *";
    }

    private static Dictionary<string, string> NodeSettings(string node, PostgresTestDatabase database, FakeClaudeApi api, int smtpPort,
        string syncCron)
    {
        // Six-field crons (with seconds): every job comes round several times within the test.
        const string Every5s = "*/5 * * * * *", Every10s = "*/10 * * * * *", Every20s = "*/20 * * * * *";
        return new Dictionary<string, string>(database.EnvironmentVariables)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Hangfire__Storage"] = "Postgres",
            ["Hangfire__RunServer"] = "true",
            ["Claude__Mode"] = "Live",
            ["Claude__BaseUrl"] = api.BaseUrl,
            ["Claude__ComplianceKey"] = Keys[node].ComplianceKey,
            ["Claude__AdminKey"] = Keys[node].AdminKey,
            ["Claude__RequestsPerMinute"] = RequestsPerMinute.ToString(CultureInfo.InvariantCulture),
            // Small pages, so the sync pages the users of the parent organization and a workspace's members.
            ["Claude__DirectoryPageSize"] = "10",
            ["Claude__AdminPageSize"] = "3",
            ["Ingestion__PageSize"] = "50",
            ["Ingestion__ActivityCron"] = Every10s,
            ["Ingestion__DirectoryCron"] = syncCron,
            ["Remediation__Cron"] = Every5s,
            ["Email__SendCron"] = Every5s,
            ["Email__RemindersCron"] = Every10s,
            ["Requests__EscalateCron"] = Every20s,
            ["Requests__ExpireCron"] = Every20s,
            ["Requests__ProvisionCron"] = Every20s,
            ["Lifecycle__Cron"] = Every20s,
            ["Email__Smtp__Host"] = "127.0.0.1",
            ["Email__Smtp__Port"] = smtpPort.ToString(CultureInfo.InvariantCulture),
            ["Email__Smtp__UseTls"] = "false",
            ["Email__From"] = "reviewportal@northwind.example",
            ["Email__PortalBaseUrl"] = "https://reviews.northwind.example",
            ["Demo__SeedOnStartup"] = "false",
            // The portal's own lines (jobs, budget waits) stay; per-request HTTP client and retry lines would drown them.
            ["Logging__LogLevel__Hangfire"] = "Warning",
            ["Logging__LogLevel__System.Net.Http"] = "Warning",
            ["Logging__LogLevel__Polly"] = "Warning",
        };
    }

    /// <summary>The admin's wizard: every kind of access, managers review, the admin takes what has no manager.</summary>
    private static async Task LaunchAsync(IPage page)
    {
        await page.GotoAsync("/campaigns/new");
        await BlazorReady.WaitAsync(page);
        await page.GetByTestId("campaign-name").FillAsync(CampaignName);
        var fallback = page.GetByRole(AriaRole.Combobox, new() { Name = "Fallback reviewer" });
        await fallback.FillAsync("Alice Ackroyd");
        await page.GetByRole(AriaRole.Option).Filter(new() { HasText = "Alice Ackroyd" }).First.ClickAsync();
        // The choice is applied and its list gone before the next click: a click while the list closes can be lost.
        await Assertions.Expect(page.GetByRole(AriaRole.Listbox)).ToHaveCountAsync(0);
        // The picker shows the email after the name and title (issue #15, 8: two people may share a name).
        await Assertions.Expect(fallback).ToHaveValueAsync(new Regex(@"^Alice Ackroyd \(IAM Lead\) · \S+@\S+$"));
        await page.GetByTestId("campaign-preview").ClickAsync();
        await Assertions.Expect(page.GetByTestId("campaign-preview-result")).ToBeVisibleAsync();
        await page.GetByTestId("campaign-launch").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(CampaignUrl());
    }

    /// <summary>
    /// A reviewer's whole queue in the browser, item by item: open it, check it is the item meant, give the reason, revoke
    /// or keep, close the drawer (the test picks its items in its own order, not the grid's).
    /// </summary>
    private static async Task DecideAsync(IPage page, List<Item> items)
    {
        await page.GotoAsync("/reviews");
        await BlazorReady.WaitAsync(page);
        var progress = page.GetByTestId("review-progress-text");
        await Assertions.Expect(progress).ToHaveTextAsync($"0 of {items.Count} decided");
        var grid = page.GetByTestId("reviews-grid");
        var drawer = page.GetByTestId("item-drawer");
        var panel = drawer.GetByTestId("review-item-panel");
        for (var n = 0; n < items.Count; n++)
        {
            var item = items[n];
            await grid.GetByRole(AriaRole.Button, new() { Name = item.OpenButtonName, Exact = true }).ClickAsync();
            await Assertions.Expect(panel.GetByTestId("evidence-hash")).ToHaveTextAsync(item.EvidenceHash);
            await panel.GetByTestId("justification").FillAsync(Justification);
            await panel.GetByTestId(item.Revoke ? "decide-revoke" : "decide-keep").ClickAsync();
            await Assertions.Expect(progress).ToHaveTextAsync($"{n + 1} of {items.Count} decided");
            // After a decision the drawer moves on to the next item on the grid's page, or closes itself after the page's
            // last one: wait until it has done either, then close it if it is still open.
            await page.WaitForFunctionAsync(
                "hash => document.querySelector('[data-testid=\"item-drawer\"] [data-testid=\"evidence-hash\"]')?.textContent?.trim() !== hash",
                item.EvidenceHash);
            if (await drawer.EvaluateAsync<bool>("d => d.classList.contains('mud-drawer--open')"))
            {
                await drawer.GetByRole(AriaRole.Button, new() { Name = "Close detail", Exact = true }).ClickAsync();
            }
            await Assertions.Expect(drawer).Not.ToBeInViewportAsync();
        }
    }

    /// <summary>Polls an observable condition until it holds; fails after <see cref="JobDeadline"/> saying what it waited for.</summary>
    private static async Task WaitAsync<T>(string what, Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return;
            }
            if (deadline.Elapsed > JobDeadline)
            {
                throw new TimeoutException($"Waited {JobDeadline.TotalSeconds:0} s for {what}; last seen: {Describe(value)}.");
            }
            // Jobs run every few seconds on either node; a poll twice a second finds the change soon after it commits.
            await Task.Delay(500);
        }
    }

    private static string Describe(object? value) => value switch
    {
        System.Collections.ICollection c => $"{c.Count} rows",
        _ => value?.ToString() ?? "null",
    };

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [GeneratedRegex(@"/campaigns/\d+$")]
    private static partial Regex CampaignUrl();

    /// <summary>What <c>DatabaseRequestBudget</c> logs when the window is full and a caller waits.</summary>
    [GeneratedRegex(@"Claude request budget: \d+ requests in the window across all nodes; waiting")]
    private static partial Regex BudgetWait();

    /// <summary>A review item as the queue shows it, and what the test decides for it.</summary>
    private sealed record Item(long Id, string Identity, string Entitlement, string EvidenceHash, bool Revoke)
    {
        public string OpenButtonName => $"Open {Identity}: {Entitlement}";
    }

    /// <summary>The shared database, read (and once, for the HR context, written) from outside both nodes.</summary>
    private sealed class Data(PostgresTestDatabase database)
    {
        public PostgresTestDatabase Database { get; } = database;

        public ReviewPortalDbContext Context()
        {
            var options = new DbContextOptionsBuilder<PostgresReviewPortalDbContext>();
            DatabaseSetup.ConfigurePostgres(options, Database.ConnectionString);
            return new PostgresReviewPortalDbContext(options.Options);
        }

        public async Task<int> SyncedPeopleAsync()
        {
            await using var db = Context();
            var ids = FakeOrganization.People.Select(p => p.Id).ToList();
            return await db.Identities.CountAsync(i => ids.Contains(i.ExternalId) && i.LastSyncedAt != null);
        }

        /// <summary>Titles, departments and managers, which the HR feed would write.</summary>
        public async Task WriteHrContextAsync()
        {
            await using var db = Context();
            var ids = await db.Identities.Where(i => i.Kind == IdentityKind.Person).ToDictionaryAsync(i => i.ExternalId, i => i.Id);
            foreach (var person in FakeOrganization.People)
            {
                int? manager = person.ManagerId is { } m ? ids[m] : null;
                await db.Identities.Where(i => i.ExternalId == person.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(i => i.Title, person.Title).SetProperty(i => i.Department, person.Department).SetProperty(i => i.ManagerId, manager));
            }
        }

        public async Task<int> IdentityIdAsync(string name)
        {
            await using var db = Context();
            var externalId = Person(name);
            return await db.Identities.Where(i => i.ExternalId == externalId).Select(i => i.Id).SingleAsync();
        }

        public async Task<int> CampaignIdAsync(string name)
        {
            await using var db = Context();
            return await db.Campaigns.Where(c => c.Name == name).Select(c => c.Id).SingleAsync();
        }

        /// <summary>The reviewer's items in the queue's order (identity name, then id), with the planned decision.</summary>
        public async Task<List<Item>> QueueAsync(int campaignId, int reviewerId)
        {
            await using var db = Context();
            var items = await db.ReviewItems.AsNoTracking()
                .Where(i => i.CampaignId == campaignId && i.ReviewerId == reviewerId)
                .OrderBy(i => i.Identity.DisplayName).ThenBy(i => i.Id)
                .Select(i => new { i.Id, Identity = i.Identity.DisplayName, Holder = i.Identity.ExternalId, Entitlement = i.Entitlement.DisplayName,
                    i.EvidenceHash, Resource = i.Entitlement.Resource.ExternalId, i.Entitlement.Kind })
                .ToListAsync();
            return items.Select(i => new Item(i.Id, i.Identity, i.Entitlement, i.EvidenceHash, Revokes.Any(r => r.Holder == i.Holder
                && (i.Kind == EntitlementKind.ApiKey ? r.Resource == i.Holder : r.Resource == i.Resource)
                && i.Kind is EntitlementKind.ApiKey or EntitlementKind.WorkspaceRole or EntitlementKind.OrgRole))).ToList();
        }

        public async Task<List<OutboxEmail>> MailsAsync()
        {
            await using var db = Context();
            return await db.OutboxEmails.AsNoTracking().ToListAsync();
        }

        public async Task<List<RemediationTask>> TasksAsync()
        {
            await using var db = Context();
            return await db.RemediationTasks.AsNoTracking().ToListAsync();
        }

        public async Task<List<string>> ActivityIdsAsync()
        {
            await using var db = Context();
            return await db.ActivityEvents.Select(e => e.ActivityId).ToListAsync();
        }

        /// <summary>Every job a Hangfire worker started: its class, and the process of the server that ran it.</summary>
        public async Task<List<(string Type, int ProcessId)>> HangfireJobsAsync()
        {
            await using var connection = Database.OpenConnection();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT j.invocationdata::text, s.data::text FROM hangfire.state s JOIN hangfire.job j ON j.id = s.jobid
                WHERE s.name = 'Processing'
                """;
            var jobs = new List<(string, int)>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                using var invocation = JsonDocument.Parse(reader.GetString(0));
                using var state = JsonDocument.Parse(reader.GetString(1));
                var type = invocation.RootElement.GetProperty("Type").GetString()!.Split(',')[0].Split('.')[^1];
                // Hangfire names a server "<host>:<process id>:<guid>".
                var server = state.RootElement.GetProperty("ServerId").GetString()!;
                jobs.Add((type, int.Parse(server.Split(':')[1], CultureInfo.InvariantCulture)));
            }
            return jobs;
        }
    }
}
