using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Requests;

/// <summary>The list handlers show each viewer only what is theirs: their own steps, their own requests, the admin queue to admins.</summary>
public sealed class ApproverScopeTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    [Fact]
    public async Task ListPendingApprovals_SeveralApprovers_ReturnsOnlyStepsPendingForViewer()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var ritas = await org.SubmitOkAsync(org.Rita, org.Developer);
        var keys = await org.SubmitOkAsync(org.Pete, org.Developer, org.PetesKey);
        var ownerOnly = await org.RoleWithPolicyAsync(ApprovalFlow.OwnerOnly, fallback: org.Fred);
        var forOlga = await org.SubmitOkAsync(org.Rita, ownerOnly);
        var list = portal.GetRequiredService<ListPendingApprovals>();

        var max = (await list.HandleAsync(org.As(org.Max))).Value!;
        var olga = (await list.HandleAsync(org.As(org.Olga))).Value!;
        var rita = (await list.HandleAsync(org.As(org.Rita))).Value!;
        var admin = (await list.HandleAsync(org.As(org.Org.Admin, Roles.Admin))).Value!;

        Assert.Equal(new[] { ritas, keys }.Order(), max.Select(p => p.RequestId).Order());
        Assert.All(max, p => Assert.Equal(1, p.Step));
        var only = Assert.Single(olga);
        Assert.Equal((forOlga, (await org.StepAsync(forOlga, 1)).Id), (only.RequestId, only.StepId));
        Assert.Empty(rita);
        Assert.Empty(admin);
    }

    [Fact]
    public async Task ListMyRequests_TwoRequesters_ReturnsOnlyViewersOwn()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var ritas = await org.SubmitOkAsync(org.Rita, org.Developer);
        await org.SubmitOkAsync(org.Pete, org.Developer);
        var list = portal.GetRequiredService<ListMyRequests>();

        var mine = (await list.HandleAsync(org.As(org.Rita))).Value!;

        var request = Assert.Single(mine);
        Assert.Equal(ritas, request.Id);
        Assert.Equal([org.Max.DisplayName, org.Olga.DisplayName], request.Steps.Select(s => s.Approver));
    }

    [Fact]
    public async Task ListAwaitingFulfilment_NonAdmin_Forbidden()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var role = await org.RoleWithPolicyAsync(ApprovalFlow.OwnerOnly, fallback: org.Fred);
        var id = await org.SubmitOkAsync(org.Rita, role, org.RitasKey);
        Assert.True((await org.DecideAsync(org.As(org.Olga), (await org.StepAsync(id, 1)).Id)).Ok);
        var list = portal.GetRequiredService<ListAwaitingFulfilment>();

        Assert.Equal(RefusalKind.Forbidden, (await list.HandleAsync(org.As(org.Olga, Roles.AppOwner))).Refusal?.Kind);
        Assert.Equal(RefusalKind.Forbidden, (await list.HandleAsync(org.As(org.Rita))).Refusal?.Kind);
        Assert.Contains((await list.HandleAsync(org.As(org.Org.Admin, Roles.Admin))).Value!, a => a.RequestId == id);
    }
}
