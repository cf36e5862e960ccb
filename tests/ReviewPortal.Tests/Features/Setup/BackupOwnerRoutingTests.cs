using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Requests;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Tests.Features.Setup;

/// <summary>The backup owner takes the owner's step when the owner may not (asked themselves, or left) and is a two-owner policy's second owner.</summary>
public sealed class BackupOwnerRoutingTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private async Task<RequestOrg> OrgWithBackupAsync(Func<RequestOrg, Identity> backup)
    {
        var org = await RequestOrg.CreateAsync(portal);
        await using var db = await portal.CreateDbContextAsync();
        await db.Resources.Where(r => r.Id == org.Prod.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.BackupOwnerId, backup(org).Id));
        return org;
    }

    [Fact]
    public async Task Submit_OwnerAsksForTheirOwnResource_OwnerStepGoesToTheBackupOwner()
    {
        var org = await OrgWithBackupAsync(o => o.Sam);

        var request = await org.RequestAsync(await org.SubmitOkAsync(org.Olga, org.Developer));

        Assert.Equal([(ApproverKind.Manager, org.Boss.Id), (ApproverKind.ResourceOwner, org.Sam.Id)], request.Steps.Select(s => (s.ApproverKind, s.ApproverId)));
    }

    [Fact]
    public async Task Submit_OwnerHasLeft_OwnerStepGoesToTheBackupOwner()
    {
        var org = await OrgWithBackupAsync(o => o.Sam);
        await using (var db = await portal.CreateDbContextAsync())
        {
            await db.Identities.Where(i => i.Id == org.Olga.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.EmploymentStatus, EmploymentStatus.Departed));
        }

        var request = await org.RequestAsync(await org.SubmitOkAsync(org.Rita, org.Developer));

        Assert.Equal([(ApproverKind.Manager, org.Max.Id), (ApproverKind.ResourceOwner, org.Sam.Id)], request.Steps.Select(s => (s.ApproverKind, s.ApproverId)));
    }

    [Fact]
    public async Task Submit_TwoOwnersWithoutANamedSecond_SecondStepIsTheBackupOwner()
    {
        var org = await OrgWithBackupAsync(o => o.Sam);
        var role = await org.RoleWithPolicyAsync(ApprovalFlow.TwoOwners, fallback: org.Fred);

        var request = await org.RequestAsync(await org.SubmitOkAsync(org.Rita, role));

        Assert.Equal([(ApproverKind.ResourceOwner, org.Olga.Id), (ApproverKind.ResourceOwner, org.Sam.Id)], request.Steps.Select(s => (s.ApproverKind, s.ApproverId)));
    }
}
