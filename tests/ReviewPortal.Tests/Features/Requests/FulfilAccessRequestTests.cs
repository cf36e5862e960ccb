using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Claude;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Tests.Features.Requests;

/// <summary>
/// The final approval provisions a person's workspace role through the Admin API (the simulated organization really
/// changes) and records the grant with its trail; what the API cannot grant waits for an admin's confirmation.
/// </summary>
public sealed class FulfilAccessRequestTests
{
    private static async Task<List<T>> ListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }
        return list;
    }

    [Fact]
    public async Task FinalApproval_WorkspaceRoleForPerson_ProvisionsThroughAdminApiAndRecordsGrantWithTrail()
    {
        await using var portal = new PortalAppFactory();
        // A demo request for the prod workspace: the manager has approved, the owner step is pending.
        long requestId, stepId;
        int stepVersion;
        int ownerId, beneficiaryId, managerId;
        string workspace, user;
        await using (var db = await portal.CreateDbContextAsync())
        {
            var step = await db.ApprovalSteps.Include(s => s.AccessRequest).ThenInclude(r => r.Beneficiary)
                .Include(s => s.AccessRequest).ThenInclude(r => r.Entitlement).ThenInclude(e => e.Resource)
                .Where(s => s.Status == ApprovalStatus.Pending && s.Order == 2 && s.AccessRequest.Entitlement.Resource.Name == "prod")
                .OrderBy(s => s.Id).FirstAsync();
            (requestId, stepId, stepVersion, ownerId) = (step.AccessRequestId, step.Id, step.Version, step.ApproverId);
            (beneficiaryId, workspace, user) = (step.AccessRequest.BeneficiaryId, step.AccessRequest.Entitlement.Resource.ExternalId, step.AccessRequest.Beneficiary.ExternalId);
            managerId = await db.ApprovalSteps.Where(s => s.AccessRequestId == requestId && s.Order == 1).Select(s => s.ApproverId).SingleAsync();
        }
        var admin = portal.GetRequiredService<IAdminClient>();
        Assert.DoesNotContain(await ListAsync(admin.ListWorkspaceMembersAsync(workspace)), m => m.UserId == user);
        portal.Time.Advance(TimeSpan.FromMinutes(1)); // A fresh minute of the simulated API's rate budget.
        var approvedAt = portal.Time.GetUtcNow();

        var result = await portal.GetRequiredService<DecideApproval>().HandleAsync(await portal.ViewerForIdentityAsync(ownerId),
            new DecideApproval.Command(stepId, true, "Launch team, time-bound.", stepVersion), "test-provision");

        Assert.True(result.Ok, result.Refusal?.Message);
        var member = Assert.Single(await ListAsync(admin.ListWorkspaceMembersAsync(workspace)), m => m.UserId == user);
        Assert.Equal("workspace_developer", member.WorkspaceRole);
        await using var check = await portal.CreateDbContextAsync();
        var request = await check.AccessRequests.SingleAsync(r => r.Id == requestId);
        Assert.Equal(AccessRequestStatus.Fulfilled, request.Status);
        Assert.Contains("through the Admin API", request.FulfilmentNote, StringComparison.Ordinal);
        var grant = await check.Grants.Include(g => g.History).SingleAsync(g => g.AccessRequestId == requestId);
        Assert.Equal((beneficiaryId, GrantSource.AccessRequest, approvedAt, approvedAt.AddDays(request.DurationDays!.Value)),
            (grant.IdentityId, grant.Source, grant.GrantedAt, grant.ExpiresAt!.Value));
        Assert.Equal(["requested", "approved", "approved", "provisioned"], grant.History.OrderBy(h => h.OccurredAt).ThenBy(h => h.Id).Select(h => h.Kind));
        Assert.Equal([managerId, ownerId], grant.History.Where(h => h.Kind == "approved").OrderBy(h => h.Id).Select(h => h.ActorIdentityId!.Value));
        // The trail a reviewer sees next to this grant in a later campaign: request, both approvals, how it was provisioned.
        var scoped = await CampaignScope.Project(check.Grants.Where(g => g.Id == grant.Id)).SingleAsync();
        var trail = (await EvidenceBuilder.LoadAsync(check, [scoped], portal.Time.GetUtcNow(), CancellationToken.None)).Build(scoped).Trail;
        Assert.Equal(["Holds", "Requested", "Approved", "Approved", "provisioned"], trail.Select(t => t.What.Split(' ', ':')[0]));
        Assert.Contains("through the Admin API", trail[^1].What, StringComparison.Ordinal);
        var id = requestId.ToString(CultureInfo.InvariantCulture);
        Assert.Equal(1, await check.AuditEntries.CountAsync(e => e.Action == "request.fulfilled" && e.TargetId == id && e.TargetType == nameof(AccessRequest)));
        Assert.Equal(1, await check.AuditEntries.CountAsync(e => e.Action == "grant.opened" && e.TargetType == nameof(Grant)
            && e.TargetId == grant.Id.ToString(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task FinalApproval_StartsInThreeDays_ScheduledOutOfTheAdminQueue_FulfilledOnceOnItsStartDate()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await RequestOrg.CreateAsync(portal);
        var startsOn = portal.Time.GetUtcNow().UtcDateTime.Date.AddDays(3);
        var submitted = await org.SubmitAsync(org.Rita, new SubmitAccessRequest.Command
        {
            EntitlementId = org.Developer.Id, BeneficiaryId = org.RitasKey.Id, DurationDays = 60, StartsOn = startsOn,
            Justification = "Evaluation pipeline starts with the new quarter.",
        });
        Assert.True(submitted.Ok, submitted.Refusal?.Message);
        var id = submitted.Value;
        Assert.True((await org.DecideAsync(org.As(org.Max), (await org.StepAsync(id, 1)).Id)).Ok);
        Assert.True((await org.DecideAsync(org.As(org.Olga), (await org.StepAsync(id, 2)).Id)).Ok);
        var job = portal.GetRequiredService<ProvisionScheduledRequestsJob>();
        var queue = portal.GetRequiredService<ListAwaitingFulfilment>();
        var admin = org.As(org.Org.Admin, Roles.Admin);
        var target = id.ToString(CultureInfo.InvariantCulture);

        // Approved ahead of its start: scheduled, not an admin's manual step yet, and the job leaves it until the day.
        var scheduled = await org.RequestAsync(id);
        Assert.Equal((AccessRequestStatus.Approved, new DateTimeOffset(startsOn, TimeSpan.Zero)), (scheduled.Status, scheduled.ProvisionAt!.Value));
        Assert.StartsWith("Starts ", scheduled.FulfilmentNote, StringComparison.Ordinal);
        Assert.DoesNotContain((await queue.HandleAsync(admin)).Value!, a => a.RequestId == id);
        Assert.Single(await org.AuditAsync("request.fulfilment-scheduled", nameof(AccessRequest), target));
        Assert.Equal(0, await job.RunAsync());

        portal.Time.Advance(TimeSpan.FromDays(3));
        Assert.Equal(1, await job.RunAsync());
        Assert.Equal(0, await job.RunAsync());

        var due = await org.RequestAsync(id);
        Assert.Null(due.ProvisionAt);
        Assert.Contains("cannot grant", due.FulfilmentNote, StringComparison.Ordinal);
        Assert.Contains((await queue.HandleAsync(admin)).Value!, a => a.RequestId == id);
        Assert.Single(await org.AuditAsync("request.fulfilment-manual", nameof(AccessRequest), target));
    }

    [Fact]
    public async Task FinalApproval_ServiceAccountBeneficiary_ApprovedWithManualNoteAndNoGrant()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await RequestOrg.CreateAsync(portal);
        var id = await org.SubmitOkAsync(org.Rita, org.Developer, org.RitasKey, days: 60);

        Assert.True((await org.DecideAsync(org.As(org.Max), (await org.StepAsync(id, 1)).Id)).Ok);
        Assert.True((await org.DecideAsync(org.As(org.Olga), (await org.StepAsync(id, 2)).Id)).Ok);

        await using var db = await portal.CreateDbContextAsync();
        var request = await db.AccessRequests.SingleAsync(r => r.Id == id);
        Assert.Equal(AccessRequestStatus.Approved, request.Status);
        Assert.Contains("cannot grant", request.FulfilmentNote, StringComparison.Ordinal);
        Assert.False(await db.Grants.AnyAsync(g => g.AccessRequestId == id));
        Assert.Single(await org.AuditAsync("request.fulfilment-manual", nameof(AccessRequest), id.ToString(CultureInfo.InvariantCulture)));
        var queued = Assert.Single((await portal.GetRequiredService<ListAwaitingFulfilment>().HandleAsync(org.As(org.Org.Admin, Roles.Admin))).Value!,
            a => a.RequestId == id);
        Assert.Equal(org.RitasKey.Id, queued.BeneficiaryId);
    }

    [Fact]
    public async Task ConfirmFulfilment_NonAdminThenAdminTwice_OnlyAdminRecordsOneGrantWithTrail()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await RequestOrg.CreateAsync(portal);
        var id = await org.SubmitOkAsync(org.Rita, org.Developer, org.RitasKey, days: 60);
        Assert.True((await org.DecideAsync(org.As(org.Max), (await org.StepAsync(id, 1)).Id)).Ok);
        Assert.True((await org.DecideAsync(org.As(org.Olga), (await org.StepAsync(id, 2)).Id, comment: "Pipeline needs it.")).Ok);
        var confirm = portal.GetRequiredService<ConfirmFulfilment>();
        var before = await org.CountsAsync();

        var byOwner = await confirm.HandleAsync(org.As(org.Olga, Roles.AppOwner), id, "test-confirm");
        var byRequester = await confirm.HandleAsync(org.As(org.Rita), id, "test-confirm");
        Assert.Equal("Only admins confirm manual fulfilment.", byOwner.Refusal?.Message);
        Assert.Equal(byOwner.Refusal, byRequester.Refusal);
        Assert.Equal(before, await org.CountsAsync());
        Assert.Equal(AccessRequestStatus.Approved, (await org.RequestAsync(id)).Status);

        portal.Time.Advance(TimeSpan.FromHours(2));
        var confirmedAt = portal.Time.GetUtcNow();
        Assert.True((await confirm.HandleAsync(org.As(org.Org.Admin, Roles.Admin), id, "test-confirm")).Ok);
        Assert.False((await confirm.HandleAsync(org.As(org.Org.Admin, Roles.Admin), id, "test-confirm-again")).Ok);

        await using var db = await portal.CreateDbContextAsync();
        var grant = await db.Grants.Include(g => g.History).SingleAsync(g => g.AccessRequestId == id);
        Assert.Equal((org.RitasKey.Id, org.Developer.Id, GrantSource.AccessRequest, confirmedAt, (DateTimeOffset?)confirmedAt.AddDays(60), (DateTimeOffset?)null),
            (grant.IdentityId, grant.EntitlementId, grant.Source, grant.GrantedAt, grant.ExpiresAt, grant.EndedAt));
        Assert.Equal(["requested", "approved", "approved", "provisioned"], grant.History.OrderBy(h => h.Id).Select(h => h.Kind));
        Assert.Contains("Pipeline needs it.", grant.History.Single(h => h.ActorIdentityId == org.Olga.Id).Detail, StringComparison.Ordinal);
        Assert.Contains("confirmed by", grant.History.Single(h => h.Kind == "provisioned").Detail, StringComparison.Ordinal);
        Assert.Equal(AccessRequestStatus.Fulfilled, (await org.RequestAsync(id)).Status);
        Assert.Single(await org.AuditAsync("grant.opened", nameof(Grant), grant.Id.ToString(CultureInfo.InvariantCulture)));
        Assert.DoesNotContain((await portal.GetRequiredService<ListAwaitingFulfilment>().HandleAsync(org.As(org.Org.Admin, Roles.Admin))).Value!,
            a => a.RequestId == id);
    }
}
