using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Tests.Features.Requests;

/// <summary>
/// Submitting routes the policy's steps to people: never to the requester or beneficiary, never the same person twice;
/// such a step goes to the fallback approver.
/// </summary>
public sealed class ApprovalRoutingTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    [Fact]
    public async Task Submit_DefaultPolicy_RoutesManagerThenResourceOwner()
    {
        var org = await RequestOrg.CreateAsync(portal);

        var request = await org.RequestAsync(await org.SubmitOkAsync(org.Rita, org.Developer));

        Assert.Collection(request.Steps,
            s => Assert.Equal((1, ApproverKind.Manager, org.Max.Id, ApprovalStatus.Pending, (DateTimeOffset?)PortalAppFactory.Now),
                (s.Order, s.ApproverKind, s.ApproverId, s.Status, s.ActivatedAt)),
            s => Assert.Equal((2, ApproverKind.ResourceOwner, org.Olga.Id, ApprovalStatus.Waiting, (DateTimeOffset?)null),
                (s.Order, s.ApproverKind, s.ApproverId, s.Status, s.ActivatedAt)));
    }

    [Fact]
    public async Task Submit_NhiBeneficiary_ManagerStepGoesToRequestersManager()
    {
        var org = await RequestOrg.CreateAsync(portal);

        var request = await org.RequestAsync(await org.SubmitOkAsync(org.Rita, org.Developer, org.RitasKey));

        Assert.Equal([org.Max.Id, org.Olga.Id], request.Steps.Select(s => s.ApproverId));
    }

    [Fact]
    public async Task Submit_RequesterIsResourceOwner_OwnerStepGoesToFallback()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var role = await org.RoleWithPolicyAsync(ApprovalFlow.ManagerThenOwner, fallback: org.Fred);

        var request = await org.RequestAsync(await org.SubmitOkAsync(org.Olga, role));

        Assert.Equal([(ApproverKind.Manager, org.Boss.Id), (ApproverKind.Fallback, org.Fred.Id)],
            request.Steps.Select(s => (s.ApproverKind, s.ApproverId)));
        Assert.DoesNotContain(request.Steps, s => s.ApproverId == org.Olga.Id);
    }

    [Fact]
    public async Task Submit_OwnerOnlyRequestedByOwnerForOwnKey_StepGoesToFallback()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var role = await org.RoleWithPolicyAsync(ApprovalFlow.OwnerOnly, fallback: org.Fred);

        var request = await org.RequestAsync(await org.SubmitOkAsync(org.Olga, role));

        var step = Assert.Single(request.Steps);
        Assert.Equal((ApproverKind.Fallback, org.Fred.Id, ApprovalStatus.Pending), (step.ApproverKind, step.ApproverId, step.Status));
    }

    [Fact]
    public async Task Submit_SelfApprovalAndNoUsableFallback_RefusedOnEntitlementAndStoresNothing()
    {
        // Olga owns prod; without a policy the fallback is her own manager, Boss, who already has the manager step.
        var org = await RequestOrg.CreateAsync(portal);
        var before = await org.CountsAsync();

        var result = await org.SubmitAsync(org.Olga, RequestOrg.Command(org.Developer, org.Olga));

        Assert.False(result.Ok);
        var (field, message) = Assert.Single(result.Refusal.FieldErrors!);
        Assert.Equal("EntitlementId", field);
        Assert.Contains("configure a fallback approver", message, StringComparison.Ordinal);
        Assert.Equal(before, await org.CountsAsync());
    }

    [Fact]
    public async Task Submit_TwoOwnersWithOwnerAsSecondApprover_SecondStepGoesToFallback()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var role = await org.RoleWithPolicyAsync(ApprovalFlow.TwoOwners, second: org.Olga, fallback: org.Fred);

        var request = await org.RequestAsync(await org.SubmitOkAsync(org.Rita, role));

        Assert.Equal([(ApproverKind.ResourceOwner, org.Olga.Id), (ApproverKind.Fallback, org.Fred.Id)],
            request.Steps.Select(s => (s.ApproverKind, s.ApproverId)));
    }

    [Fact]
    public async Task Submit_TwoOwnersWithDistinctOwners_RoutesOwnerThenNamedSecond()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var role = await org.RoleWithPolicyAsync(ApprovalFlow.TwoOwners, second: org.Sam, fallback: org.Fred);

        var request = await org.RequestAsync(await org.SubmitOkAsync(org.Rita, role));

        Assert.Equal([(ApproverKind.ResourceOwner, org.Olga.Id), (ApproverKind.Named, org.Sam.Id)],
            request.Steps.Select(s => (s.ApproverKind, s.ApproverId)));
    }
}
