using Hangfire;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
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
        await using var portal = new EmptyPortalAppFactory();

        var id = await portal.GetRequiredService<RunRemediationNow>().HandleAsync(new Viewer(null, "someone", roles.ToHashSet()), "corr-non-admin");

        Assert.Null(id);
        Assert.Equal(0, portal.GetRequiredService<JobStorage>().GetMonitoringApi().EnqueuedCount("default"));
        await using var db = await portal.CreateDbContextAsync();
        Assert.False(await db.AuditEntries.AnyAsync(a => a.CorrelationId == "corr-non-admin"));
    }

    [Fact]
    public async Task RunRemediationNow_Admin_QueuesExecuteRemediationJobAndAuditsTheRequest()
    {
        await using var portal = new EmptyPortalAppFactory();

        var id = await portal.GetRequiredService<RunRemediationNow>().HandleAsync(new Viewer(null, "Ada", new HashSet<string> { Roles.Admin }), "corr-admin");

        Assert.NotNull(id);
        var queued = Assert.Single(portal.GetRequiredService<JobStorage>().GetMonitoringApi().EnqueuedJobs("default", 0, 10));
        Assert.Equal(id, queued.Key);
        Assert.Equal(typeof(ExecuteRemediationJob), queued.Value.Job.Type);
        await using var db = await portal.CreateDbContextAsync();
        var audit = await db.AuditEntries.SingleAsync(a => a.CorrelationId == "corr-admin");
        Assert.Equal(RunRemediationNow.AuditAction, audit.Action);
        Assert.Contains(id, audit.After);
    }
}
