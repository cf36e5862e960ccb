using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Setup;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Setup;

/// <summary>
/// Saving and removing approval policies: admins only, audited in words and read back as history, field messages from
/// the validator, and a save from an older version (or a second create) refused. Resource and entitlement policies only,
/// so tests can share one portal.
/// </summary>
public sealed class SaveApprovalPolicyTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private static async Task<ApprovalPolicy?> PolicyAsync(PortalAppFactory portal, Resource resource)
    {
        await using var db = await portal.CreateDbContextAsync();
        return await db.ApprovalPolicies.AsNoTracking().SingleOrDefaultAsync(p => p.ResourceId == resource.Id);
    }

    [Fact]
    public async Task Save_AdminCreatesThenChanges_AuditedInWordsAndShownAsHistory()
    {
        var org = await PolicyOrg.CreateAsync(portal);
        var r = org.Requests;

        var created = await org.SaveAsync(PolicyOrg.ForResource(org.Staging, ApprovalFlow.OwnerOnly, fallback: r.Fred, maxDays: 30));
        var changed = await org.SaveAsync(PolicyOrg.ForResource(org.Staging, ApprovalFlow.TwoOwners, second: r.Sam, fallback: r.Fred, escalateAfterDays: 5,
            maxDays: 30, expectedVersion: created.Value?.NewVersion));

        Assert.Equal((SetupStatus.Saved, 1, SetupStatus.Saved, 2), (created.Value?.Status, created.Value?.NewVersion, changed.Value?.Status, changed.Value?.NewVersion));
        var policy = await PolicyAsync(portal, org.Staging);
        Assert.Equal((ApprovalPolicyScope.Resource, ApprovalFlow.TwoOwners, r.Sam.Id, r.Fred.Id, 5, 30, r.Org.Admin.Id),
            (policy!.Scope, policy.Flow, policy.SecondApproverId, policy.FallbackApproverId, policy.EscalateAfterDays, policy.MaxDurationDays, policy.UpdatedById));
        var history = (await portal.GetRequiredService<GetChangeHistory>().HandleAsync(TestOrg.Viewer(r.Sam, Roles.Compliance),
            ChangeTarget.Policy($"resource:{org.Staging.Id}"))).Value!;
        Assert.Equal(2, history.Count);
        Assert.Equal("Saved the policy", history[0].Action);
        Assert.Equal([
            new FieldChange("Approvers", "Owner only", "Two owners"),
            new FieldChange("Escalate after", "3 days", "5 days"),
            new FieldChange("Second owner", null, r.Sam.DisplayName),
        ], history[0].Changes.OrderBy(c => c.Field, StringComparer.Ordinal));
        Assert.Contains(new FieldChange("Applies to", null, org.Staging.Name), history[1].Changes);
        Assert.Contains(new FieldChange("Maximum duration", null, "30 days"), history[1].Changes);
    }

    [Fact]
    public async Task Save_Compliance_RefusedAndNothingStored()
    {
        var org = await PolicyOrg.CreateAsync(portal);

        var result = await org.SaveAsync(PolicyOrg.ForResource(org.Staging, ApprovalFlow.OwnerOnly), TestOrg.Viewer(org.Requests.Sam, Roles.Compliance));

        Assert.Equal((RefusalKind.Forbidden, "Only admins can change approval policies; Compliance can read them."), (result.Refusal?.Kind, result.Refusal?.Message));
        Assert.Null(await PolicyAsync(portal, org.Staging));
    }

    [Fact]
    public async Task Remove_Compliance_RefusedAndThePolicyStays()
    {
        var org = await PolicyOrg.CreateAsync(portal);
        await org.SaveOkAsync(PolicyOrg.ForResource(org.Staging, ApprovalFlow.OwnerOnly));

        var result = await org.RemoveAsync(ApprovalPolicyScope.Resource, null, org.Staging.Id, TestOrg.Viewer(org.Requests.Sam, Roles.Compliance));

        Assert.Equal(RefusalKind.Forbidden, result.Refusal?.Kind);
        Assert.NotNull(await PolicyAsync(portal, org.Staging));
    }

    [Fact]
    public async Task Save_TwoSavesFromTheSameVersion_SecondRefusedAndFirstKept()
    {
        var org = await PolicyOrg.CreateAsync(portal);
        await org.SaveOkAsync(PolicyOrg.ForResource(org.Staging, ApprovalFlow.OwnerOnly));

        var first = await org.SaveAsync(PolicyOrg.ForResource(org.Staging, ApprovalFlow.TwoOwners, expectedVersion: 1));
        var second = await org.SaveAsync(PolicyOrg.ForResource(org.Staging, ApprovalFlow.ManagerThenOwner, expectedVersion: 1));

        Assert.Equal((SetupStatus.Saved, RefusalKind.Conflict), (first.Value?.Status, second.Refusal?.Kind));
        Assert.Equal($"{org.Requests.Org.Admin.DisplayName} changed the policy for {org.Staging.Name} at 2026-11-26 12:00 UTC, after you opened it. " +
            "Your change was not saved: reload to see theirs, then decide again.", second.Refusal?.Message);
        Assert.Equal((ApprovalFlow.TwoOwners, 2), ((await PolicyAsync(portal, org.Staging))!.Flow, (await PolicyAsync(portal, org.Staging))!.Version));
    }

    [Fact]
    public async Task Save_TwoCreatesForTheSameTarget_SecondRefused()
    {
        var org = await PolicyOrg.CreateAsync(portal);

        var first = await org.SaveAsync(PolicyOrg.ForEntitlement(org.StagingDev, ApprovalFlow.OwnerOnly));
        var second = await org.SaveAsync(PolicyOrg.ForEntitlement(org.StagingDev, ApprovalFlow.TwoOwners));

        Assert.Equal((SetupStatus.Saved, RefusalKind.Conflict), (first.Value?.Status, second.Refusal?.Kind));
        await using var db = await portal.CreateDbContextAsync();
        Assert.Equal(ApprovalFlow.OwnerOnly, (await db.ApprovalPolicies.SingleAsync(p => p.EntitlementId == org.StagingDev.Id)).Flow);
    }

    [Fact]
    public async Task Save_InvalidFields_EachFieldGetsItsMessageAndNothingIsStored()
    {
        var org = await PolicyOrg.CreateAsync(portal);
        var r = org.Requests;

        var result = await org.SaveAsync(PolicyOrg.ForResource(org.Staging, ApprovalFlow.OwnerOnly, second: r.Sam, escalateAfterDays: 0, maxDays: 400));

        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        Assert.Equal(new Dictionary<string, string>
        {
            ["SecondApproverId"] = "Only a two-owner policy names a second owner.",
            ["EscalateAfterDays"] = "Escalate after 1 to 30 days without an answer.",
            ["MaxDurationDays"] = "A maximum duration is 1 to 365 days; leave it empty to keep only the entitlement's own limit.",
        }, result.Refusal?.FieldErrors);
        Assert.Null(await PolicyAsync(portal, org.Staging));
    }

    [Fact]
    public async Task Save_DepartedFallbackApprover_FieldError()
    {
        var org = await PolicyOrg.CreateAsync(portal);
        await using (var db = await portal.CreateDbContextAsync())
        {
            await db.Identities.Where(i => i.Id == org.Requests.Fred.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.EmploymentStatus, EmploymentStatus.Departed));
        }

        var result = await org.SaveAsync(PolicyOrg.ForResource(org.Staging, ApprovalFlow.OwnerOnly, fallback: org.Requests.Fred));

        Assert.Equal($"{org.Requests.Fred.DisplayName} has left the company: choose someone employed as the fallback approver.",
            result.Refusal!.FieldErrors!["FallbackApproverId"]);
        Assert.Null(await PolicyAsync(portal, org.Staging));
    }

    [Fact]
    public async Task Remove_Admin_RemovedAuditedAndRequestsFollowTheNextPolicy()
    {
        var org = await PolicyOrg.CreateAsync(portal);
        var r = org.Requests;
        await org.SaveOkAsync(PolicyOrg.ForEntitlement(org.StagingDev, ApprovalFlow.OwnerOnly));

        var removed = await org.RemoveAsync(ApprovalPolicyScope.Entitlement, org.StagingDev.Id, null);

        Assert.Equal(SetupStatus.Saved, removed.Value?.Status);
        var history = (await portal.GetRequiredService<GetChangeHistory>().HandleAsync(org.Admin, ChangeTarget.Policy($"entitlement:{org.StagingDev.Id}"))).Value!;
        Assert.Equal(["Removed the policy", "Saved the policy"], history.Select(h => h.Action));
        Assert.Contains(new FieldChange("Approvers", "Owner only", "the next policy that applies"), history[0].Changes);
        Assert.Equal([(ApproverKind.Manager, r.Max.Id), (ApproverKind.ResourceOwner, r.Olga.Id)], await org.RouteAsync(r.Rita, org.StagingDev));
    }
}
