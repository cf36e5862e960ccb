using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Claude;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Requests;

/// <summary>
/// The Admin API failing while an approver approves (a fake API over real HTTP, behind the real pipeline, on the portal's
/// frozen clock): it hangs, the connection breaks, it is overloaded, it made the change but the answer was lost, it rate
/// limits for a day, the page goes away mid-call. The approver hears back within Claude:UserFacingTimeout, the approval
/// stands and is audited, the request says in words that provisioning is pending and when it is retried, the admin sees
/// it, <see cref="ProvisionScheduledRequestsJob"/> provisions it later with one grant and no call after success, and after
/// the last attempt it is the admin's manual task.
/// </summary>
public sealed class ProvisioningFailureTests
{
    private static string MembersPath(RequestOrg org) => $"/v1/organizations/workspaces/{org.Prod.ExternalId}/members";

    /// <summary>Submits a request for the Developer role on prod; the manager approves, so the owner's step is the final one.</summary>
    private static async Task<(long Id, long FinalStep)> AwaitingOwnerAsync(RequestOrg org, Identity requester, Identity manager)
    {
        var id = await org.SubmitOkAsync(requester, org.Developer);
        Assert.True((await org.DecideAsync(org.As(manager), (await org.StepAsync(id, 1)).Id)).Ok);
        return (id, (await org.StepAsync(id, 2)).Id);
    }

    /// <summary>
    /// The approver's click. On the frozen clock a click that waits on a retry delay or an attempt timeout waits for ever,
    /// so a real-time guard ends it: such a click fails the test instead of hanging it.
    /// </summary>
    private static async Task<Result<ApprovalResult>> ApproveAsync(RequestOrg org, Identity approver, long stepId, Func<Task>? whileWaiting = null)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var approving = org.Portal.GetRequiredService<DecideApproval>().HandleAsync(org.As(approver),
            new DecideApproval.Command(stepId, true, null, await org.VersionAsync(stepId)), $"test-{Guid.NewGuid():N}", guard.Token);
        if (whileWaiting is not null)
        {
            await whileWaiting();
        }
        return await approving;
    }

    private static Task<List<AuditEntry>> AuditAsync(RequestOrg org, long id, string action) =>
        org.AuditAsync(action, nameof(AccessRequest), id.ToString(CultureInfo.InvariantCulture));

    private static async Task<int> GrantsAsync(PortalAppFactory portal, long id)
    {
        await using var db = await portal.CreateDbContextAsync();
        return await db.Grants.CountAsync(g => g.AccessRequestId == id);
    }

    private static Viewer Admin(RequestOrg org) => org.As(org.Org.Admin, Roles.Admin);

    [Fact]
    public async Task FinalApproval_AdminApiNeverAnswers_ApproverHearsBackAfterUserFacingTimeout_JobProvisionsOnceLater()
    {
        await using var portal = await FakeApiPortalFactory.StartAsync();
        var org = await RequestOrg.CreateAsync(portal);
        var (id, finalStep) = await AwaitingOwnerAsync(org, org.Rita, org.Max);
        portal.Api.Enqueue(MembersPath(org), FakeFault.Hang);

        var result = await ApproveAsync(org, org.Olga, finalStep, async () =>
        {
            await portal.Api.NextArrivalAsync();
            // Claude:UserFacingTimeout's default. The retry budget behind it (6 attempts of 60 s) kept the page for minutes.
            portal.Time.Advance(TimeSpan.FromSeconds(15));
        });

        Assert.True(result.Ok, result.Refusal?.Message);
        Assert.Contains("did not answer within 15 s", result.Value.Message, StringComparison.Ordinal);
        Assert.Contains("tries again", result.Value.Message, StringComparison.Ordinal);
        var pending = await org.RequestAsync(id);
        Assert.Equal((AccessRequestStatus.Approved, ApprovalStatus.Approved), (pending.Status, pending.Steps[1].Status));
        Assert.Equal(portal.Time.GetUtcNow().AddMinutes(5), pending.ProvisionAt);
        Assert.Contains("did not answer within 15 s", pending.FulfilmentNote, StringComparison.Ordinal);
        // The manager's step and the owner's.
        Assert.Equal(2, (await AuditAsync(org, id, "request.step-approved")).Count);
        Assert.Single(await AuditAsync(org, id, "request.fulfilment-failed"));
        // The admin sees it, and is told the portal is on it: nothing to confirm by hand while retries are due.
        var queued = Assert.Single((await portal.GetRequiredService<ListAwaitingFulfilment>().HandleAsync(Admin(org))).Value!, a => a.RequestId == id);
        Assert.Contains("tries again", queued.Note, StringComparison.Ordinal);
        Assert.False((await portal.GetRequiredService<ConfirmFulfilment>().HandleAsync(Admin(org), id, "test-confirm-too-early")).Ok);
        Assert.Equal(0, await GrantsAsync(portal, id));

        var job = portal.GetRequiredService<ProvisionScheduledRequestsJob>();
        Assert.Equal(0, await job.RunAsync());
        portal.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await job.RunAsync());
        Assert.Equal(0, await job.RunAsync());

        Assert.Equal(AccessRequestStatus.Fulfilled, (await org.RequestAsync(id)).Status);
        Assert.Equal("workspace_developer", portal.Api.Members[(org.Prod.ExternalId, org.Rita.ExternalId)]);
        Assert.Equal(2, portal.Api.Mutations.Count);
        Assert.Equal(1, await GrantsAsync(portal, id));
        Assert.Single(await AuditAsync(org, id, "request.fulfilled"));
        Assert.DoesNotContain((await portal.GetRequiredService<ListAwaitingFulfilment>().HandleAsync(Admin(org))).Value!, a => a.RequestId == id);
    }

    [Fact]
    public async Task FinalApproval_AnswerLostAfterTheChangeUpstream_RetryFindsTheMemberAndProvisionsOnce()
    {
        await using var portal = await FakeApiPortalFactory.StartAsync();
        var org = await RequestOrg.CreateAsync(portal);
        var (id, finalStep) = await AwaitingOwnerAsync(org, org.Rita, org.Max);
        portal.Api.Enqueue(MembersPath(org), FakeFault.ApplyThenHang);

        var approved = await ApproveAsync(org, org.Olga, finalStep, async () =>
        {
            await portal.Api.NextArrivalAsync();
            portal.Time.Advance(TimeSpan.FromSeconds(15));
        });
        Assert.True(approved.Ok, approved.Refusal?.Message);
        portal.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await portal.GetRequiredService<ProvisionScheduledRequestsJob>().RunAsync());

        // Added (answer lost), then "already a member" (409), so the role is set instead: one membership, one grant.
        Assert.Equal([("POST", MembersPath(org)), ("POST", MembersPath(org)), ("POST", $"{MembersPath(org)}/{org.Rita.ExternalId}")],
            portal.Api.Mutations.Select(m => (m.Method, m.Path)));
        Assert.Equal("workspace_developer", Assert.Single(portal.Api.Members).Value);
        Assert.Equal(AccessRequestStatus.Fulfilled, (await org.RequestAsync(id)).Status);
        Assert.Equal(1, await GrantsAsync(portal, id));
    }

    [Fact]
    public async Task FinalApprovals_ConnectionResetThenOverloaded_ApprovalsStand_CircuitOpensAndTheThirdIsNotSent_JobProvisionsAll()
    {
        await using var portal = await FakeApiPortalFactory.StartAsync(new Dictionary<string, string?>
        {
            // One attempt per call, so a failure needs no back-off on the frozen clock; two failed attempts open the circuit.
            ["Claude:Retry:MaxRetryAttempts"] = "0",
            ["Claude:CircuitBreaker:MinimumThroughput"] = "2",
        });
        var org = await RequestOrg.CreateAsync(portal);
        var rita = await AwaitingOwnerAsync(org, org.Rita, org.Max);
        var pete = await AwaitingOwnerAsync(org, org.Pete, org.Max);
        var sam = await AwaitingOwnerAsync(org, org.Sam, org.Boss);
        portal.Api.Enqueue(MembersPath(org), FakeFault.ConnectionReset, FakeFault.Overloaded);

        var reset = await ApproveAsync(org, org.Olga, rita.FinalStep);
        var overloaded = await ApproveAsync(org, org.Olga, pete.FinalStep);
        var paused = await ApproveAsync(org, org.Olga, sam.FinalStep);

        Assert.True(reset.Ok, reset.Refusal?.Message);
        Assert.Contains("could not be reached", reset.Value.Message, StringComparison.Ordinal);
        Assert.True(overloaded.Ok, overloaded.Refusal?.Message);
        Assert.Contains("failing or overloaded (it answered 503", overloaded.Value.Message, StringComparison.Ordinal);
        Assert.True(paused.Ok, paused.Refusal?.Message);
        Assert.Contains("pausing its calls", paused.Value.Message, StringComparison.Ordinal);
        Assert.Equal(2, portal.Api.Requests.Count); // the third call never left the portal
        foreach (var (id, _) in new[] { rita, pete, sam })
        {
            var request = await org.RequestAsync(id);
            Assert.Equal((AccessRequestStatus.Approved, true), (request.Status, request.ProvisionAt > portal.Time.GetUtcNow()));
            Assert.Equal(2, (await AuditAsync(org, id, "request.step-approved")).Count); // the manager's step and the owner's
        }
        Assert.Single(await AuditAsync(org, sam.Id, "request.fulfilment-deferred"));

        // Past the break: the job's first call closes the circuit again, and all three are provisioned.
        portal.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(3, await portal.GetRequiredService<ProvisionScheduledRequestsJob>().RunAsync());

        foreach (var (id, _) in new[] { rita, pete, sam })
        {
            Assert.Equal(AccessRequestStatus.Fulfilled, (await org.RequestAsync(id)).Status);
            Assert.Equal(1, await GrantsAsync(portal, id));
        }
        Assert.Equal(3, portal.Api.Members.Count);
        Assert.Equal(5, portal.Api.Mutations.Count);
    }

    [Fact]
    public async Task Provisioning_FailsEveryAttempt_RetriedWithBackoff_ThenTheAdminsManualTask()
    {
        await using var portal = await FakeApiPortalFactory.StartAsync(new Dictionary<string, string?>
        {
            ["Claude:Retry:MaxRetryAttempts"] = "0",
            ["Requests:Fulfilment:MaxAttempts"] = "3",
        });
        var org = await RequestOrg.CreateAsync(portal);
        var (id, finalStep) = await AwaitingOwnerAsync(org, org.Rita, org.Max);
        portal.Api.Enqueue(MembersPath(org), FakeFault.Overloaded, FakeFault.Overloaded, FakeFault.Overloaded);
        var job = portal.GetRequiredService<ProvisionScheduledRequestsJob>();
        var confirm = portal.GetRequiredService<ConfirmFulfilment>();

        Assert.True((await ApproveAsync(org, org.Olga, finalStep)).Ok);
        var backoffs = new List<TimeSpan>();
        for (var attempt = 2; attempt <= 3; attempt++)
        {
            var next = (await org.RequestAsync(id)).ProvisionAt!.Value;
            backoffs.Add(next - portal.Time.GetUtcNow());
            Assert.False((await confirm.HandleAsync(Admin(org), id, "test-confirm-while-retrying")).Ok);
            portal.Time.Advance(next - portal.Time.GetUtcNow());
            Assert.Equal(1, await job.RunAsync());
        }

        Assert.Equal([TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10)], backoffs);
        var manual = await org.RequestAsync(id);
        Assert.Equal((AccessRequestStatus.Approved, (DateTimeOffset?)null), (manual.Status, manual.ProvisionAt));
        Assert.Contains("failed 3 times", manual.FulfilmentNote, StringComparison.Ordinal);
        Assert.Contains("by hand", manual.FulfilmentNote, StringComparison.Ordinal);
        Assert.Contains((await portal.GetRequiredService<ListAwaitingFulfilment>().HandleAsync(Admin(org))).Value!, a => a.RequestId == id);
        Assert.Equal(2, (await AuditAsync(org, id, "request.fulfilment-failed")).Count);
        Assert.Single(await AuditAsync(org, id, "request.fulfilment-manual"));

        // Handed over: the job calls nothing more, and the admin's confirmation records the one grant.
        portal.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await job.RunAsync());
        Assert.Equal(3, portal.Api.Mutations.Count);
        Assert.True((await confirm.HandleAsync(Admin(org), id, "test-confirm")).Ok);
        Assert.Equal(1, await GrantsAsync(portal, id));
    }

    [Fact]
    public async Task FinalApproval_PageGoesAwayMidCall_NothingRecordedButTheApproval_JobProvisionsOnceAfterTheClaimLapses()
    {
        await using var portal = await FakeApiPortalFactory.StartAsync();
        var org = await RequestOrg.CreateAsync(portal);
        var (id, finalStep) = await AwaitingOwnerAsync(org, org.Rita, org.Max);
        portal.Api.Enqueue(MembersPath(org), FakeFault.Hang);

        // The circuit closes (or the node dies) while the Admin API call is in flight: after the approval committed,
        // before any outcome is. What is left in the database is the same either way.
        using var leaving = new CancellationTokenSource();
        var approving = portal.GetRequiredService<DecideApproval>().HandleAsync(org.As(org.Olga),
            new DecideApproval.Command(finalStep, true, null, await org.VersionAsync(finalStep)), "test-leaving", leaving.Token);
        await portal.Api.NextArrivalAsync();
        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => approving);

        Assert.Equal(AccessRequestStatus.Approved, (await org.RequestAsync(id)).Status);
        // The manager's step and the owner's.
        Assert.Equal(2, (await AuditAsync(org, id, "request.step-approved")).Count);
        var job = portal.GetRequiredService<ProvisionScheduledRequestsJob>();
        // The interrupted attempt holds the request a while (it might still be running on a live node)...
        portal.Time.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(0, await job.RunAsync());
        // ...then it is due, and provisioned once.
        portal.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await job.RunAsync());
        Assert.Equal(0, await job.RunAsync());

        Assert.Equal(AccessRequestStatus.Fulfilled, (await org.RequestAsync(id)).Status);
        Assert.Equal(1, await GrantsAsync(portal, id));
        Assert.Equal(2, portal.Api.Mutations.Count);
        Assert.Single(await AuditAsync(org, id, "request.fulfilled"));
    }

    [Fact]
    public async Task FinalApproval_RateLimitedForADay_ApproverHearsAtOnce_ProvisionedOnceWhenTheLimitEnds()
    {
        await using var portal = await FakeApiPortalFactory.StartAsync();
        var org = await RequestOrg.CreateAsync(portal);
        var (id, finalStep) = await AwaitingOwnerAsync(org, org.Rita, org.Max);
        portal.Api.Enqueue(MembersPath(org), FakeFault.RateLimited("86400"));
        var limitEnds = portal.Time.GetUtcNow().AddDays(1);

        var result = await ApproveAsync(org, org.Olga, finalStep);

        Assert.True(result.Ok, result.Refusal?.Message);
        Assert.Contains("rate limiting the organization until 2026-11-27 12:00 UTC", result.Value.Message, StringComparison.Ordinal);
        Assert.Equal(limitEnds, (await org.RequestAsync(id)).ProvisionAt);
        Assert.Single(await AuditAsync(org, id, "request.fulfilment-deferred"));
        var job = portal.GetRequiredService<ProvisionScheduledRequestsJob>();
        portal.Time.Advance(TimeSpan.FromHours(23));
        Assert.Equal(0, await job.RunAsync());
        portal.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await job.RunAsync());

        Assert.Equal(AccessRequestStatus.Fulfilled, (await org.RequestAsync(id)).Status);
        Assert.Equal(2, portal.Api.Requests.Count);
        Assert.Equal(1, await GrantsAsync(portal, id));
    }
}
