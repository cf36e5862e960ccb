using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure.Jobs;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Tests.Features.Email;

/// <summary>"Send reminders now" is Admin-only in the handler: it queues the scheduled job and audits the request.</summary>
public sealed class SendRemindersNowTests
{
    public static TheoryData<string[]> NonAdmins => new() { Array.Empty<string>(), new[] { Roles.Compliance }, new[] { Roles.AppOwner } };

    [Theory]
    [MemberData(nameof(NonAdmins))]
    public async Task SendRemindersNow_NonAdmin_QueuesNothingAuditsNothing(string[] roles)
    {
        await using var portal = new RecordingJobsPortal();

        var id = await portal.GetRequiredService<SendRemindersNow>().HandleAsync(new Viewer(null, "someone", roles.ToHashSet()), "corr-non-admin");

        Assert.Null(id);
        Assert.Empty(portal.Jobs.Created);
        await using var db = await portal.CreateDbContextAsync();
        Assert.False(await db.AuditEntries.AnyAsync(a => a.CorrelationId == "corr-non-admin"));
    }

    [Fact]
    public async Task SendRemindersNow_Admin_QueuesSendRemindersJobAndAuditsTheRequest()
    {
        await using var portal = new RecordingJobsPortal();

        var id = await portal.GetRequiredService<SendRemindersNow>().HandleAsync(new Viewer(null, "Ada", new HashSet<string> { Roles.Admin }), "corr-admin");

        Assert.NotNull(id);
        var queued = Assert.Single(portal.Jobs.Created);
        Assert.Equal((typeof(SendRemindersJob), nameof(SendRemindersJob.RunAsync)), (queued.Type, queued.Method.Name));
        await using var db = await portal.CreateDbContextAsync();
        var audit = await db.AuditEntries.SingleAsync(a => a.CorrelationId == "corr-admin");
        Assert.Equal(SendRemindersNow.AuditAction, audit.Action);
        Assert.Contains(id, audit.After);
    }
}
