using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Features.Lifecycle;
using ReviewPortal.Web.Features.People;
using ReviewPortal.Web.Features.Remediation;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Jobs;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Infrastructure.Jobs;

/// <summary>
/// Every admin "run now" button (remediation, reminders, lifecycle rules) is Admin-only in its handler: it queues the
/// scheduled job and audits who asked; anyone else gets nothing queued and nothing audited.
/// </summary>
public sealed class RunNowButtonsTests
{
    private delegate Task<Result<string>> RunNow(PortalAppFactory portal, Viewer viewer, string correlationId);

    private static RunNow Button(string job) => (portal, viewer, correlationId) =>
        portal.GetRequiredService<RunJobNow>().HandleAsync(viewer, job, correlationId);

    private static readonly Dictionary<string, (RunNow Run, Type Job, string Action)> Buttons = new()
    {
        ["remediation"] = (Button(ExecuteRemediationJob.JobName), typeof(ExecuteRemediationJob), "remediation.run-requested"),
        ["reminders"] = (Button(SendRemindersJob.JobName), typeof(SendRemindersJob), "email.reminders-requested"),
        ["lifecycle"] = (Button(ApplyLifecycleRulesJob.JobName), typeof(ApplyLifecycleRulesJob), "lifecycle.run-requested"),
    };

    public static TheoryData<string, string[]> NonAdmins()
    {
        var data = new TheoryData<string, string[]>();
        foreach (var button in Buttons.Keys)
        {
            data.Add(button, []);
            data.Add(button, [Roles.Compliance]);
            data.Add(button, [Roles.AppOwner]);
        }
        return data;
    }

    public static TheoryData<string> AllButtons() => [.. Buttons.Keys];

    [Theory]
    [MemberData(nameof(NonAdmins))]
    public async Task RunNow_NonAdmin_QueuesNothingAuditsNothing(string button, string[] roles)
    {
        await using var portal = new RecordingJobsPortal();

        var id = await Buttons[button].Run(portal, new Viewer(null, "someone", roles.ToHashSet()), "corr-non-admin");

        Assert.Equal(RefusalKind.Forbidden, id.Refusal?.Kind);
        Assert.Empty(portal.Jobs.Created);
        await using var db = await portal.CreateDbContextAsync();
        Assert.False(await db.AuditEntries.AnyAsync(a => a.CorrelationId == "corr-non-admin"));
    }

    [Theory]
    [MemberData(nameof(AllButtons))]
    public async Task RunNow_Admin_QueuesTheScheduledJobAndAuditsTheRequest(string button)
    {
        await using var portal = new RecordingJobsPortal();
        var (run, job, action) = Buttons[button];

        var id = await run(portal, new Viewer(null, "Ada", new HashSet<string> { Roles.Admin }), "corr-admin");

        Assert.True(id.Ok);
        var queued = Assert.Single(portal.Jobs.Created);
        Assert.Equal((job, "RunAsync"), (queued.Type, queued.Method.Name));
        await using var db = await portal.CreateDbContextAsync();
        var audit = await db.AuditEntries.SingleAsync(a => a.CorrelationId == "corr-admin");
        Assert.Equal(action, audit.Action);
        Assert.Contains(id.Value, audit.After);
    }

    [Fact]
    public async Task RunNow_PeopleSync_QueuesTheDirectorySyncToFollowIt()
    {
        await using var portal = new RecordingJobsPortal();

        var id = await Button(SyncPeopleJob.JobName)(portal, new Viewer(null, "Ada", new HashSet<string> { Roles.Admin }), "corr-people");

        Assert.True(id.Ok);
        Assert.Equal([typeof(SyncPeopleJob), typeof(SyncDirectoryJob)], portal.Jobs.Created.Select(j => j.Type));
    }

    [Fact]
    public async Task RunNow_JobWithoutAButton_IsRefusedAndQueuesNothing()
    {
        await using var portal = new RecordingJobsPortal();

        var id = await Button(SendOutboxJob.JobName)(portal, new Viewer(null, "Ada", new HashSet<string> { Roles.Admin }), "corr-outbox");

        Assert.Equal(RefusalKind.NotFound, id.Refusal?.Kind);
        Assert.Empty(portal.Jobs.Created);
    }
}
