using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Email;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>
/// A recurring campaign launches each run once, on its day, through the ordinary launch: two job runs, and two job
/// instances (two scopes, as two nodes) whose reads and launches interleave. Each test has its own portal: the job scans
/// every template. Runs are days at 00:00 UTC; the fixed clock starts on 26 Nov 2026.
/// </summary>
public sealed class LaunchCampaignTemplatesJobTests
{
    private static readonly DateTimeOffset December1 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private sealed record Org(TestOrg Test, Identity Manager);

    private static async Task<Org> OrgAsync(PortalAppFactory portal)
    {
        var org = new TestOrg("template");
        var manager = org.Person("Manager");
        var user = org.Role(org.Organization, "user");
        org.Grant(org.Person("Ada", manager), user);
        org.Grant(org.Person("Grace", manager), user);
        await org.SaveAsync(portal);
        return new Org(org, manager);
    }

    private static async Task<int> QuarterlyTemplateAsync(PortalAppFactory portal, Org org, Action<CampaignDefinition>? configure = null)
    {
        var saved = await portal.GetRequiredService<SaveCampaignTemplate>().HandleAsync(org.Test.AdminViewer, new CampaignTemplateForm
        {
            Name = "Quarterly access review",
            Schedule = TemplateSchedule.Quarterly,
            StartsOn = DateOnly.FromDateTime(December1.UtcDateTime),
            DurationDays = 14,
            Definition = org.Test.Definition(configure),
        }, "test-template");
        Assert.True(saved.Ok, saved.Refusal?.Message);
        return saved.Value;
    }

    private static async Task<(List<Campaign> Campaigns, CampaignTemplate Template, List<CampaignTemplateRun> Runs)> StateAsync(PortalAppFactory portal, int templateId)
    {
        await using var db = await portal.CreateDbContextAsync();
        return (await db.Campaigns.AsNoTracking().Include(c => c.Items).OrderBy(c => c.Id).ToListAsync(),
            await db.CampaignTemplates.AsNoTracking().SingleAsync(t => t.Id == templateId),
            await db.CampaignTemplateRuns.AsNoTracking().Where(r => r.TemplateId == templateId).OrderBy(r => r.RunAt).ToListAsync());
    }

    private static async Task<List<AuditEntry>> AuditAsync(PortalAppFactory portal, string action)
    {
        await using var db = await portal.CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().Where(e => e.Action == action).OrderBy(e => e.Sequence).ToListAsync();
    }

    [Fact]
    public async Task Quarterly_BeforeTheDayNothing_OnTheDayExactlyOnceAcrossTwoRunsAndTwoNodes_NextRunOneQuarterOn()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await OrgAsync(portal);
        var templateId = await QuarterlyTemplateAsync(portal, org);
        Assert.Equal(December1, (await StateAsync(portal, templateId)).Template.NextRunAt);

        // The evening before: nothing is due.
        portal.Time.SetUtcNow(December1.AddHours(-1));
        Assert.Equal(0, await portal.GetRequiredService<LaunchCampaignTemplatesJob>().RunAsync());
        Assert.Empty((await StateAsync(portal, templateId)).Campaigns);

        // On the day, two nodes (two scopes, two job objects) both read the run as due before either launches it.
        portal.Time.SetUtcNow(December1.AddMinutes(20));
        var nodeA = portal.GetRequiredService<LaunchCampaignTemplatesJob>();
        var nodeB = portal.GetRequiredService<LaunchCampaignTemplatesJob>();
        var dueA = Assert.Single(await nodeA.DueRunsAsync());
        var dueB = Assert.Single(await nodeB.DueRunsAsync());
        Assert.Equal(new DueRun(templateId, December1), dueB);

        var launchedByA = await nodeA.LaunchAsync(dueA);
        var launchedByB = await nodeB.LaunchAsync(dueB);

        Assert.NotNull(launchedByA?.CampaignId);
        Assert.Null(launchedByB);
        // And the job run twice more that hour, on each node: nothing left to launch.
        Assert.Equal(0, await nodeA.RunAsync());
        Assert.Equal(0, await nodeB.RunAsync());

        var (campaigns, template, runs) = await StateAsync(portal, templateId);
        var campaign = Assert.Single(campaigns);
        Assert.Equal(launchedByA!.CampaignId, campaign.Id);
        Assert.Equal(("Quarterly access review · 1 Dec 2026", CampaignStatus.Active, org.Test.Admin.Id, 2),
            (campaign.Name, campaign.Status, campaign.CreatedById, campaign.Items.Count));
        Assert.Equal(new DateTimeOffset(2026, 12, 15, 17, 0, 0, TimeSpan.Zero), campaign.DueAt);
        Assert.All(campaign.Items, i => Assert.Equal(org.Manager.Id, i.ReviewerId));
        var run = Assert.Single(runs);
        Assert.Equal((December1, campaign.Id, (string?)null), (run.RunAt, run.CampaignId, run.Problem));
        Assert.Equal(new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero), template.NextRunAt);
        Assert.Equal((December1, campaign.Id), (template.LastRunAt, template.LastCampaignId));
        var launched = Assert.Single(await AuditAsync(portal, "campaign.template-launched"));
        Assert.Equal(("job:launch-campaign-templates", campaign.Id), (launched.Actor, launched.CampaignId));
        Assert.Single(await AuditAsync(portal, "campaign.launched"));
        // The ordinary launch, so its reviewer's launch mail too, once.
        await using var db = await portal.CreateDbContextAsync();
        var launchMail = OutboxKeys.ForReminder(campaign.Id, org.Manager.Id, ReminderSchedule.Launch, new DateOnly(2026, 12, 1));
        Assert.Equal(1, await db.OutboxEmails.CountAsync(m => m.DeduplicationKey == launchMail));
    }

    [Fact]
    public async Task Quarterly_NextQuarter_LaunchesTheSecondRun()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await OrgAsync(portal);
        var templateId = await QuarterlyTemplateAsync(portal, org);
        portal.Time.SetUtcNow(December1.AddHours(2));
        Assert.Equal(1, await portal.GetRequiredService<LaunchCampaignTemplatesJob>().RunAsync());

        portal.Time.SetUtcNow(new DateTimeOffset(2027, 2, 28, 23, 0, 0, TimeSpan.Zero));
        Assert.Equal(0, await portal.GetRequiredService<LaunchCampaignTemplatesJob>().RunAsync());
        portal.Time.SetUtcNow(new DateTimeOffset(2027, 3, 1, 0, 20, 0, TimeSpan.Zero));
        Assert.Equal(1, await portal.GetRequiredService<LaunchCampaignTemplatesJob>().RunAsync());

        var (campaigns, template, _) = await StateAsync(portal, templateId);
        Assert.Equal(["Quarterly access review · 1 Dec 2026", "Quarterly access review · 1 Mar 2027"], campaigns.Select(c => c.Name));
        Assert.Equal(new DateTimeOffset(2027, 6, 1, 0, 0, 0, TimeSpan.Zero), template.NextRunAt);
    }

    [Fact]
    public async Task Run_NothingInScope_RecordedAuditedAndTheTemplateMovesOn()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await OrgAsync(portal);
        // Service accounts only: this org has none.
        var templateId = await QuarterlyTemplateAsync(portal, org, d => d.IdentityKinds = [IdentityKind.ServiceAccount]);
        portal.Time.SetUtcNow(December1.AddMinutes(20));

        Assert.Equal(0, await portal.GetRequiredService<LaunchCampaignTemplatesJob>().RunAsync());

        var (campaigns, template, runs) = await StateAsync(portal, templateId);
        Assert.Empty(campaigns);
        var run = Assert.Single(runs);
        Assert.Null(run.CampaignId);
        Assert.StartsWith("Nothing is in scope", run.Problem);
        Assert.Equal((run.Problem, new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero)), (template.LastRunProblem, template.NextRunAt));
        var failed = Assert.Single(await AuditAsync(portal, "campaign.template-run-failed"));
        Assert.Contains("Nothing is in scope", failed.After);
        // The next run of the job does not try the failed run again.
        Assert.Equal(0, await portal.GetRequiredService<LaunchCampaignTemplatesJob>().RunAsync());
        Assert.Single((await StateAsync(portal, templateId)).Runs);
    }

    [Fact]
    public async Task Run_TemplateDisabled_LaunchesNothing()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await OrgAsync(portal);
        var templateId = await QuarterlyTemplateAsync(portal, org);
        var form = (await portal.GetRequiredService<GetCampaignTemplate>().HandleAsync(org.Test.AdminViewer, templateId)).Value!;
        Assert.True((await portal.GetRequiredService<SaveCampaignTemplate>().HandleAsync(org.Test.AdminViewer, form with { Enabled = false }, "test")).Ok);
        portal.Time.SetUtcNow(December1.AddMinutes(20));

        Assert.Equal(0, await portal.GetRequiredService<LaunchCampaignTemplatesJob>().RunAsync());
        Assert.Empty((await StateAsync(portal, templateId)).Campaigns);
    }

    [Fact]
    public async Task Save_EditReadBeforeARun_RefusedAsConflict()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await OrgAsync(portal);
        var templateId = await QuarterlyTemplateAsync(portal, org);
        var opened = (await portal.GetRequiredService<GetCampaignTemplate>().HandleAsync(org.Test.AdminViewer, templateId)).Value!;
        portal.Time.SetUtcNow(December1.AddMinutes(20));
        Assert.Equal(1, await portal.GetRequiredService<LaunchCampaignTemplatesJob>().RunAsync());

        var saved = await portal.GetRequiredService<SaveCampaignTemplate>().HandleAsync(org.Test.AdminViewer, opened with { DurationDays = 30 }, "test");

        Assert.Equal(ReviewPortal.Web.Infrastructure.Refusals.RefusalKind.Conflict, saved.Refusal?.Kind);
    }

    [Fact]
    public async Task Save_NonAdmin_Forbidden()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await OrgAsync(portal);

        var saved = await portal.GetRequiredService<SaveCampaignTemplate>().HandleAsync(TestOrg.Viewer(org.Manager, "Compliance"),
            new CampaignTemplateForm { Name = "x", StartsOn = DateOnly.FromDateTime(December1.UtcDateTime), Definition = org.Test.Definition() }, "test");

        Assert.Equal(ReviewPortal.Web.Infrastructure.Refusals.RefusalKind.Forbidden, saved.Refusal?.Kind);
    }
}
