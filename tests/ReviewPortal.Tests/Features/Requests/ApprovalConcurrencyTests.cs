using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Requests;

/// <summary>
/// An approval applies once (issue #14): a double click on Approve, Approve in one tab and Deny in another, a confirmation
/// clicked twice. Each race is replayed in the order that exposed it: the slower writer reads the step or request as its
/// handler does, the faster one's handler commits, then the slower one applies its answer to what it read and saves.
/// The save must fail, leaving exactly the first outcome: one answer, one audit entry, one grant, at most one Admin API call.
/// </summary>
public sealed class ApprovalConcurrencyTests
{
    private static string MembersPath(RequestOrg org) => $"/v1/organizations/workspaces/{org.Prod.ExternalId}/members";

    private static Task<List<AuditEntry>> AuditAsync(RequestOrg org, long id, string action) =>
        org.AuditAsync(action, nameof(AccessRequest), id.ToString(CultureInfo.InvariantCulture));

    private static async Task<int> GrantsAsync(PortalAppFactory portal, long id)
    {
        await using var db = await portal.CreateDbContextAsync();
        return await db.Grants.CountAsync(g => g.AccessRequestId == id);
    }

    /// <summary>The slower tab: the step, its request and the request's steps, read the way <see cref="DecideApproval"/> reads them.</summary>
    private static Task<ApprovalStep> ReadStepAsync(ReviewPortalDbContext db, long stepId) =>
        db.ApprovalSteps.Include(s => s.AccessRequest).ThenInclude(r => r.Steps).SingleAsync(s => s.Id == stepId);

    /// <summary>The slower tab's answer applied to what it read, as the handler applies it, then saved.</summary>
    private static Task AnswerLateAsync(PortalAppFactory portal, ReviewPortalDbContext db, ApprovalStep step, Identity approver, bool approve, string? comment)
    {
        var now = portal.Time.GetUtcNow();
        var request = step.AccessRequest;
        request.Decide(step, approve, approver.Id, comment, now);
        db.Audit(new AuditActor(approver.Id, approver.DisplayName, now, "test-late-tab"), approve ? "request.step-approved" : "request.denied", request,
            after: new { step = step.Order, comment }, identityId: request.BeneficiaryId);
        return db.SaveChangesAsync();
    }

    [Fact]
    public async Task DoubleApprove_SameVersion_SecondRefusedWithConflict_OneAnswerOneAuditEntry()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await RequestOrg.CreateAsync(portal);
        var id = await org.SubmitOkAsync(org.Rita, org.Developer);
        var seen = await org.StepAsync(id, 1);

        // Both clicks carry the version the page showed; the second arrives after the first committed.
        var first = await org.DecideAsync(org.As(org.Max), seen.Id, version: seen.Version);
        var second = await org.DecideAsync(org.As(org.Max), seen.Id, version: seen.Version);

        Assert.True(first.Ok, first.Refusal?.Message);
        Assert.Equal(RefusalKind.Conflict, second.Refusal?.Kind);
        Assert.StartsWith("This request changed while you were looking at it", second.Refusal?.Message, StringComparison.Ordinal);
        var request = await org.RequestAsync(id);
        Assert.Equal([ApprovalStatus.Approved, ApprovalStatus.Pending], request.Steps.Select(s => s.Status));
        Assert.Single(await AuditAsync(org, id, "request.step-approved"));
    }

    [Fact]
    public async Task DoubleApprove_SecondReadBeforeTheFirstCommitted_SecondSaveFails_OneAnswerOneAuditEntry()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await RequestOrg.CreateAsync(portal);
        var id = await org.SubmitOkAsync(org.Rita, org.Developer);
        var seen = await org.StepAsync(id, 1);
        await using var late = await portal.CreateDbContextAsync();
        var lateStep = await ReadStepAsync(late, seen.Id);

        var first = await org.DecideAsync(org.As(org.Max), seen.Id, version: seen.Version);
        Assert.True(first.Ok, first.Refusal?.Message);
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => AnswerLateAsync(portal, late, lateStep, org.Max, approve: true, comment: null));

        var request = await org.RequestAsync(id);
        Assert.Equal([ApprovalStatus.Approved, ApprovalStatus.Pending], request.Steps.Select(s => s.Status));
        Assert.Equal([1, 1], request.Steps.Select(s => s.Version));
        Assert.Single(await AuditAsync(org, id, "request.step-approved"));
    }

    [Fact]
    public async Task ApproveInOneTab_DenyReadBeforeInAnother_DenialFails_ProvisionedOnceAndNotDenied()
    {
        await using var portal = await FakeApiPortalFactory.StartAsync();
        var org = await RequestOrg.CreateAsync(portal);
        var id = await org.SubmitOkAsync(org.Rita, org.Developer);
        Assert.True((await org.DecideAsync(org.As(org.Max), (await org.StepAsync(id, 1)).Id)).Ok);
        var seen = await org.StepAsync(id, 2);
        await using var denyTab = await portal.CreateDbContextAsync();
        var denyStep = await ReadStepAsync(denyTab, seen.Id);

        var approved = await org.DecideAsync(org.As(org.Olga), seen.Id, version: seen.Version);
        Assert.True(approved.Ok, approved.Refusal?.Message);
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() =>
            AnswerLateAsync(portal, denyTab, denyStep, org.Olga, approve: false, comment: "Not on the launch team."));

        var request = await org.RequestAsync(id);
        Assert.Equal(AccessRequestStatus.Fulfilled, request.Status);
        Assert.Equal(ApprovalStatus.Approved, request.Steps[1].Status);
        Assert.Empty(await AuditAsync(org, id, "request.denied"));
        Assert.Single(portal.Api.Mutations, m => m.Path == MembersPath(org));
        Assert.Equal(1, await GrantsAsync(portal, id));
    }

    [Fact]
    public async Task DenyInOneTab_ThenApproveWithTheVersionSeenInAnother_ApprovalRefused_NoAdminApiCall()
    {
        await using var portal = await FakeApiPortalFactory.StartAsync();
        var org = await RequestOrg.CreateAsync(portal);
        var id = await org.SubmitOkAsync(org.Rita, org.Developer);
        Assert.True((await org.DecideAsync(org.As(org.Max), (await org.StepAsync(id, 1)).Id)).Ok);
        var seen = await org.StepAsync(id, 2);

        var denied = await org.DecideAsync(org.As(org.Olga), seen.Id, approve: false, comment: "Not on the launch team.", version: seen.Version);
        var approved = await org.DecideAsync(org.As(org.Olga), seen.Id, version: seen.Version);

        Assert.True(denied.Ok, denied.Refusal?.Message);
        Assert.Equal(RefusalKind.Conflict, approved.Refusal?.Kind);
        var request = await org.RequestAsync(id);
        Assert.Equal((AccessRequestStatus.Denied, ApprovalStatus.Denied, (DateTimeOffset?)null), (request.Status, request.Steps[1].Status, request.ProvisionAt));
        Assert.Single(await AuditAsync(org, id, "request.denied"));
        Assert.Empty(portal.Api.Mutations);
        Assert.Equal(0, await GrantsAsync(portal, id));
    }

    [Fact]
    public async Task ConfirmFulfilment_SecondReadBeforeTheFirstCommitted_SecondSaveFails_OneGrant()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await RequestOrg.CreateAsync(portal);
        // A key's access: the Admin API cannot grant it, so the approved request waits for an admin's confirmation.
        var id = await org.SubmitOkAsync(org.Rita, org.Developer, org.RitasKey, days: 60);
        Assert.True((await org.DecideAsync(org.As(org.Max), (await org.StepAsync(id, 1)).Id)).Ok);
        Assert.True((await org.DecideAsync(org.As(org.Olga), (await org.StepAsync(id, 2)).Id)).Ok);
        var admin = org.As(org.Org.Admin, Roles.Admin);
        // The second click read the request as ConfirmFulfilment reads it, then the first click committed.
        await using var late = await portal.CreateDbContextAsync();
        var lateRequest = await late.AccessRequests.Include(r => r.Requester).Include(r => r.Steps).ThenInclude(s => s.Approver).SingleAsync(r => r.Id == id);

        Assert.True((await portal.GetRequiredService<ConfirmFulfilment>().HandleAsync(admin, id, "test-confirm")).Ok);
        portal.GetRequiredService<FulfilAccessRequest>().RecordGrant(late, lateRequest,
            new AuditActor(org.Org.Admin.Id, org.Org.Admin.DisplayName, portal.Time.GetUtcNow(), "test-confirm-late"), "granted by hand, confirmed again");
        await Assert.ThrowsAnyAsync<DbUpdateException>(() => late.SaveChangesAsync());

        Assert.Equal(1, await GrantsAsync(portal, id));
        Assert.Equal(AccessRequestStatus.Fulfilled, (await org.RequestAsync(id)).Status);
    }

    [Fact]
    public async Task Grants_SecondGrantForTheSameRequest_RefusedByTheDatabase()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await RequestOrg.CreateAsync(portal);
        var id = await org.SubmitOkAsync(org.Rita, org.Developer, org.RitasKey, days: 60);
        await using var db = await portal.CreateDbContextAsync();
        Grant ForTheRequest() => new()
        {
            IdentityId = org.RitasKey.Id, EntitlementId = org.Developer.Id, GrantedAt = portal.Time.GetUtcNow(), Source = GrantSource.AccessRequest,
            AccessRequestId = id,
        };
        db.Grants.Add(ForTheRequest());
        await db.SaveChangesAsync();

        db.Grants.Add(ForTheRequest());

        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }
}
