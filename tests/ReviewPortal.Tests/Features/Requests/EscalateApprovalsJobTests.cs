using System.Globalization;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Requests;

/// <summary>
/// An unanswered step moves after the policy's N days to the fallback (or the approver's manager): not a day early,
/// exactly once, audited. Each test has its own portal because it moves the clock.
/// </summary>
public sealed class EscalateApprovalsJobTests
{
    [Fact]
    public async Task Escalate_PolicyOfFiveDays_NothingAtFourMovesToFallbackOnceAtFive()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await RequestOrg.CreateAsync(portal);
        var role = await org.RoleWithPolicyAsync(ApprovalFlow.ManagerThenOwner, fallback: org.Fred, escalateAfterDays: 5);
        var id = await org.SubmitOkAsync(org.Rita, role);
        var job = portal.GetRequiredService<EscalateApprovalsJob>();
        var target = id.ToString(CultureInfo.InvariantCulture);

        portal.Time.Advance(TimeSpan.FromDays(5) - TimeSpan.FromMinutes(1));
        Assert.Equal(0, await job.RunAsync());
        var early = await org.StepAsync(id, 1);
        Assert.Equal((org.Max.Id, ApproverKind.Manager, (DateTimeOffset?)null), (early.ApproverId, early.ApproverKind, early.EscalatedAt));
        Assert.Empty(await org.AuditAsync("request.escalated", nameof(AccessRequest), target));

        portal.Time.Advance(TimeSpan.FromMinutes(1));
        var due = portal.Time.GetUtcNow();
        Assert.Equal(1, await job.RunAsync());
        var moved = await org.StepAsync(id, 1);
        Assert.Equal((org.Fred.Id, ApproverKind.Fallback, ApprovalStatus.Pending, (DateTimeOffset?)due, (DateTimeOffset?)due),
            (moved.ApproverId, moved.ApproverKind, moved.Status, moved.EscalatedAt, moved.ActivatedAt));

        portal.Time.Advance(TimeSpan.FromDays(30));
        Assert.Equal(0, await job.RunAsync());
        Assert.Equal(org.Fred.Id, (await org.StepAsync(id, 1)).ApproverId);
        var audit = Assert.Single(await org.AuditAsync("request.escalated", nameof(AccessRequest), target));
        Assert.Contains($"\"approver\":{org.Max.Id}", audit.Before, StringComparison.Ordinal);
        Assert.Contains($"\"approver\":{org.Fred.Id}", audit.After, StringComparison.Ordinal);
        Assert.Equal(org.Olga.Id, (await org.StepAsync(id, 2)).ApproverId);
    }

    [Fact]
    public async Task Escalate_NoPolicy_AfterThreeDaysMovesToApproversManager()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await RequestOrg.CreateAsync(portal);
        var id = await org.SubmitOkAsync(org.Rita, org.Developer);
        var job = portal.GetRequiredService<EscalateApprovalsJob>();

        portal.Time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, await job.RunAsync());
        portal.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await job.RunAsync());

        var step = await org.StepAsync(id, 1);
        Assert.Equal((org.Boss.Id, ApproverKind.Fallback), (step.ApproverId, step.ApproverKind));
        Assert.Single(await org.AuditAsync("request.escalated", nameof(AccessRequest), id.ToString(CultureInfo.InvariantCulture)));
        // The new approver can answer it, the old one no longer can.
        Assert.Equal(RefusalKind.Forbidden, (await org.DecideAsync(org.As(org.Max), step.Id)).Refusal?.Kind);
        Assert.True((await org.DecideAsync(org.As(org.Boss), step.Id)).Ok);
    }

    [Fact]
    public async Task Escalate_ConcurrentRuns_MoveStepOnce()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await RequestOrg.CreateAsync(portal);
        var id = await org.SubmitOkAsync(org.Rita, org.Developer);
        portal.Time.Advance(TimeSpan.FromDays(3));

        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => portal.GetRequiredService<EscalateApprovalsJob>().RunAsync()));

        Assert.Equal(1, runs.Sum());
        Assert.Single(await org.AuditAsync("request.escalated", nameof(AccessRequest), id.ToString(CultureInfo.InvariantCulture)));
    }
}
