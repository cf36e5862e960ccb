using ReviewPortal.Tests.Features.Requests;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Features.Setup;

namespace ReviewPortal.Tests.Features.Setup;

/// <summary>
/// A request follows its entitlement's policy, else its resource's, else the default policy, else manager then owner;
/// the same policy decides when it escalates and how long it may last. Own portals: the default policy is one per database.
/// </summary>
public sealed class ApprovalPolicyPrecedenceTests
{
    [Fact]
    public async Task Submit_EntitlementResourceAndDefaultPolicies_EachRequestFollowsTheNearestOne()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await PolicyOrg.CreateAsync(portal);
        var r = org.Requests;
        await org.SaveOkAsync(PolicyOrg.ForEntitlement(r.Developer, ApprovalFlow.TwoOwners, second: r.Pete, fallback: r.Fred));
        await org.SaveOkAsync(PolicyOrg.ForResource(r.Prod, ApprovalFlow.OwnerOnly, fallback: r.Fred));
        await org.SaveOkAsync(PolicyOrg.Default(ApprovalFlow.TwoOwners, second: r.Fred));

        // Developer has its own policy; Viewer (same workspace) has only prod's; staging has neither, so the default applies.
        Assert.Equal([(ApproverKind.ResourceOwner, r.Olga.Id), (ApproverKind.Named, r.Pete.Id)], await org.RouteAsync(r.Rita, r.Developer));
        Assert.Equal([(ApproverKind.ResourceOwner, r.Olga.Id)], await org.RouteAsync(r.Rita, r.Viewer));
        Assert.Equal([(ApproverKind.ResourceOwner, r.Olga.Id), (ApproverKind.Named, r.Fred.Id)], await org.RouteAsync(r.Rita, org.StagingDev));
    }

    [Fact]
    public async Task Submit_PoliciesRemovedOneByOne_FallsBackToResourceThenDefaultThenManagerThenOwner()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await PolicyOrg.CreateAsync(portal);
        var r = org.Requests;
        await org.SaveOkAsync(PolicyOrg.ForEntitlement(r.Developer, ApprovalFlow.TwoOwners, second: r.Pete));
        await org.SaveOkAsync(PolicyOrg.ForResource(r.Prod, ApprovalFlow.OwnerOnly));
        await org.SaveOkAsync(PolicyOrg.Default(ApprovalFlow.TwoOwners, second: r.Fred));

        Assert.Equal(SetupStatus.Saved, (await org.RemoveAsync(ApprovalPolicyScope.Entitlement, r.Developer.Id, null)).Value?.Status);
        Assert.Equal([(ApproverKind.ResourceOwner, r.Olga.Id)], await org.RouteAsync(r.Rita, r.Developer));

        Assert.Equal(SetupStatus.Saved, (await org.RemoveAsync(ApprovalPolicyScope.Resource, null, r.Prod.Id)).Value?.Status);
        Assert.Equal([(ApproverKind.ResourceOwner, r.Olga.Id), (ApproverKind.Named, r.Fred.Id)], await org.RouteAsync(r.Pete, r.Developer));

        Assert.Equal(SetupStatus.Saved, (await org.RemoveAsync(ApprovalPolicyScope.Default, null, null)).Value?.Status);
        Assert.Equal([(ApproverKind.Manager, r.Max.Id), (ApproverKind.ResourceOwner, r.Olga.Id)], await org.RouteAsync(r.Rita, r.Viewer));
    }

    [Fact]
    public async Task Escalate_ResourcePolicyOfOneDay_EntitlementWithoutItsOwnEscalatesAfterOneDayToThePolicysFallback()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await PolicyOrg.CreateAsync(portal);
        var r = org.Requests;
        await org.SaveOkAsync(PolicyOrg.ForResource(r.Prod, ApprovalFlow.ManagerThenOwner, fallback: r.Fred, escalateAfterDays: 1));
        await org.SaveOkAsync(PolicyOrg.ForEntitlement(r.Viewer, ApprovalFlow.ManagerThenOwner, escalateAfterDays: 10));
        var developer = await r.SubmitOkAsync(r.Rita, r.Developer);
        var viewer = await r.SubmitOkAsync(r.Pete, r.Viewer);
        var job = portal.GetRequiredService<EscalateApprovalsJob>();

        portal.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await job.RunAsync());

        Assert.Equal((r.Fred.Id, ApproverKind.Fallback), ((await r.StepAsync(developer, 1)).ApproverId, (await r.StepAsync(developer, 1)).ApproverKind));
        Assert.Equal(r.Max.Id, (await r.StepAsync(viewer, 1)).ApproverId);
    }

    [Fact]
    public async Task Submit_PolicyMaximumDuration_ShorterLimitWinsAndPermanentRefused()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await PolicyOrg.CreateAsync(portal);
        var r = org.Requests;
        await org.SaveOkAsync(PolicyOrg.ForResource(r.Prod, ApprovalFlow.ManagerThenOwner, maxDays: 14));

        var tooLong = await r.SubmitAsync(r.Rita, RequestOrg.Command(r.Developer, r.Rita, days: 30));
        var permanent = await r.SubmitAsync(r.Rita, RequestOrg.Command(r.Viewer, r.Rita, days: null));
        var catalog = (await portal.GetRequiredService<ListRequestCatalog>().HandleAsync(r.As(r.Rita), r.Org.Tag)).Value!;

        Assert.Equal($"{r.Developer.DisplayName} can be granted for at most 14 days.", tooLong.Refusal!.FieldErrors!["DurationDays"]);
        Assert.Equal("This access is time-bound: choose a duration of at most 14 days.", permanent.Refusal!.FieldErrors!["DurationDays"]);
        Assert.Equal((14, false), catalog.Entitlements.Where(e => e.Id == r.Viewer.Id).Select(e => (e.MaxDurationDays, e.AllowsPermanent)).Single());
        Assert.Null((await r.SubmitAsync(r.Rita, RequestOrg.Command(r.Developer, r.Rita, days: 14))).Refusal);
    }
}
