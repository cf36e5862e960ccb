using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure.Jobs;
using ReviewPortal.Web.Features.Remediation;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Tests.Features.Remediation;

/// <summary>"Run remediation now" is Admin-only in the handler: it queues the scheduled job and audits the request.</summary>
public sealed class RunRemediationNowTests
{
    public static TheoryData<string[]> NonAdmins => new() { Array.Empty<string>(), new[] { Roles.Compliance }, new[] { Roles.AppOwner } };

    [Theory]
    [MemberData(nameof(NonAdmins))]
    public async Task RunRemediationNow_NonAdmin_QueuesNothingAuditsNothing(string[] roles)
    {
        await using var portal = new RecordingJobsPortal();

        var id = await portal.GetRequiredService<RunRemediationNow>().HandleAsync(new Viewer(null, "someone", roles.ToHashSet()), "corr-non-admin");

        Assert.Null(id);
        Assert.Empty(portal.Jobs.Created);
        await using var db = await portal.CreateDbContextAsync();
        Assert.False(await db.AuditEntries.AnyAsync(a => a.CorrelationId == "corr-non-admin"));
    }

    [Fact]
    public async Task RunRemediationNow_Admin_QueuesExecuteRemediationJobAndAuditsTheRequest()
    {
        await using var portal = new RecordingJobsPortal();

        var id = await portal.GetRequiredService<RunRemediationNow>().HandleAsync(new Viewer(null, "Ada", new HashSet<string> { Roles.Admin }), "corr-admin");

        Assert.NotNull(id);
        var queued = Assert.Single(portal.Jobs.Created);
        Assert.Equal((typeof(ExecuteRemediationJob), nameof(ExecuteRemediationJob.RunAsync)), (queued.Type, queued.Method.Name));
        await using var db = await portal.CreateDbContextAsync();
        var audit = await db.AuditEntries.SingleAsync(a => a.CorrelationId == "corr-admin");
        Assert.Equal(RunRemediationNow.AuditAction, audit.Action);
        Assert.Contains(id, audit.After);
    }
}
