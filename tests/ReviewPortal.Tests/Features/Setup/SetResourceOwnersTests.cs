using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Setup;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Setup;

/// <summary>
/// An admin chooses a resource's owner and backup owner: marked as chosen in the portal, audited with before and after,
/// read back as history by Compliance. Compliance cannot save; a save from an older version is refused.
/// </summary>
public sealed class SetResourceOwnersTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    [Fact]
    public async Task SetOwners_Admin_SavedChosenInPortalAuditedAndShownAsHistory()
    {
        var org = await SetupOrg.CreateAsync(portal);

        var result = await org.SetOwnersAsync(org.Admin, org.Sam, org.Pat, expectedVersion: 0);

        Assert.Equal((SetupStatus.Saved, 1), (result.Value?.Status, result.Value?.NewVersion));
        var prod = await org.ProdAsync();
        Assert.Equal((org.Sam.Id, org.Pat.Id, org.Org.Admin.Id, 1), (prod.OwnerId, prod.BackupOwnerId, prod.OwnerAssignedById, prod.OwnerVersion));
        Assert.Equal(PortalAppFactory.Now, prod.OwnerAssignedAt);
        var entry = Assert.Single(await org.AuditAsync(SetupWords.ResourceOwnersChanged, nameof(Resource), org.Prod.Id));
        Assert.Equal(org.Org.Admin.Id, entry.ActorId);

        var history = (await portal.GetRequiredService<GetChangeHistory>().HandleAsync(org.Compliance, ChangeTarget.ResourceOwners(org.Prod.Id))).Value;

        var shown = Assert.Single(history!);
        Assert.Equal((org.Org.Admin.DisplayName, "Changed the owners"), (shown.Actor, shown.Action));
        Assert.Equal([
            new FieldChange("Owner", org.Olga.DisplayName, org.Sam.DisplayName),
            new FieldChange("Backup owner", "nobody", org.Pat.DisplayName),
            new FieldChange("Chosen by", "the directory sync", "an admin"),
        ], shown.Changes);
    }

    [Fact]
    public async Task SetOwners_Compliance_RefusedAndNothingChanges()
    {
        var org = await SetupOrg.CreateAsync(portal);

        var result = await org.SetOwnersAsync(org.Compliance, org.Sam, null, expectedVersion: 0);

        Assert.Equal(RefusalKind.Forbidden, result.Refusal?.Kind);
        Assert.Equal("Only admins can change owners; Compliance can read them.", result.Refusal?.Message);
        var prod = await org.ProdAsync();
        Assert.Equal((org.Olga.Id, (DateTimeOffset?)null, 0), (prod.OwnerId, prod.OwnerAssignedAt, prod.OwnerVersion));
        Assert.Empty(await org.AuditAsync(SetupWords.ResourceOwnersChanged, nameof(Resource), org.Prod.Id));
    }

    [Fact]
    public async Task SetOwners_TwoSavesFromTheSameVersion_SecondRefusedNamingTheFirstAndFirstKept()
    {
        var org = await SetupOrg.CreateAsync(portal);
        var first = await org.SetOwnersAsync(org.Admin, org.Sam, null, expectedVersion: 0);

        var second = await org.SetOwnersAsync(org.Admin, org.Pat, null, expectedVersion: 0);

        Assert.Equal(SetupStatus.Saved, first.Value?.Status);
        Assert.Equal(RefusalKind.Conflict, second.Refusal?.Kind);
        Assert.Equal($"{org.Org.Admin.DisplayName} changed the owners of {org.Prod.Name} at 2026-11-26 12:00 UTC, after you opened it. " +
            "Your change was not saved: reload to see theirs, then decide again.", second.Refusal?.Message);
        Assert.Equal(org.Sam.Id, (await org.ProdAsync()).OwnerId);
        Assert.Single(await org.AuditAsync(SetupWords.ResourceOwnersChanged, nameof(Resource), org.Prod.Id));
    }

    [Fact]
    public async Task SetOwners_BackupIsTheOwner_FieldErrorAndNothingSaved()
    {
        var org = await SetupOrg.CreateAsync(portal);

        var result = await org.SetOwnersAsync(org.Admin, org.Sam, org.Sam, expectedVersion: 0);

        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        Assert.Equal("The backup owner must be someone other than the owner.", result.Refusal!.FieldErrors![nameof(SetResourceOwners.Command.BackupOwnerId)]);
        Assert.Equal(0, (await org.ProdAsync()).OwnerVersion);
    }

    [Fact]
    public async Task SetOwners_DepartedOwnerOrAKeyAsBackup_FieldErrorsAndNothingSaved()
    {
        var org = await SetupOrg.CreateAsync(portal);

        var result = await org.SetOwnersAsync(org.Admin, org.Lee, org.RitasKey, expectedVersion: 0);

        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        Assert.Equal($"{org.Lee.DisplayName} has left the company: choose someone employed as the owner.",
            result.Refusal!.FieldErrors![nameof(SetResourceOwners.Command.OwnerId)]);
        Assert.Equal($"{org.RitasKey.DisplayName} is an API key: the backup owner must be a person.",
            result.Refusal!.FieldErrors![nameof(SetResourceOwners.Command.BackupOwnerId)]);
        var prod = await org.ProdAsync();
        Assert.Equal((org.Olga.Id, 0), (prod.OwnerId, prod.OwnerVersion));
        Assert.Empty(await org.AuditAsync(SetupWords.ResourceOwnersChanged, nameof(Resource), org.Prod.Id));
    }

    [Fact]
    public async Task SetOwners_NoOwner_FieldError()
    {
        var org = await SetupOrg.CreateAsync(portal);

        var result = await org.SetOwnersAsync(org.Admin, null, null, expectedVersion: 0);

        Assert.Equal("Choose the owner: the person who approves requests for it and answers for its access.",
            result.Refusal!.FieldErrors![nameof(SetResourceOwners.Command.OwnerId)]);
    }
}
