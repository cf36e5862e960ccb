using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Setup;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Setup;

/// <summary>
/// An admin transfers a key's ownership: chosen in the portal, audited on the key's timeline with the reason. Compliance
/// cannot; a transfer from an older version is refused; the new owner must be an employed person.
/// </summary>
public sealed class TransferNhiOwnershipTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    [Fact]
    public async Task Transfer_Admin_NewOwnerChosenInPortalAndAuditedWithTheReason()
    {
        var org = await SetupOrg.CreateAsync(portal);

        var result = await org.TransferAsync(org.Admin, org.RitasKey, org.Sam, expectedVersion: 0, reason: "Rita moved to the data team.");

        Assert.Equal(SetupStatus.Saved, result.Value?.Status);
        var key = await org.IdentityAsync(org.RitasKey);
        Assert.Equal((org.Sam.Id, org.Org.Admin.Id, 1, (DateTimeOffset?)PortalAppFactory.Now),
            (key.OwnerId, key.OwnerAssignedById, key.OwnerVersion, key.OwnerAssignedAt));
        var entry = Assert.Single(await org.AuditAsync(SetupWords.IdentityOwnerChanged, nameof(Identity), org.RitasKey.Id));
        Assert.Equal(org.RitasKey.Id, entry.IdentityId);
        var shown = Assert.Single((await portal.GetRequiredService<GetChangeHistory>().HandleAsync(org.Compliance, ChangeTarget.NhiOwner(org.RitasKey.Id))).Value!);
        Assert.Contains(new FieldChange("Owner", org.Rita.DisplayName, org.Sam.DisplayName), shown.Changes);
        Assert.Contains(new FieldChange("Reason", null, "Rita moved to the data team."), shown.Changes);
    }

    [Fact]
    public async Task Transfer_Compliance_RefusedAndNothingChanges()
    {
        var org = await SetupOrg.CreateAsync(portal);

        var result = await org.TransferAsync(org.Compliance, org.RitasKey, org.Sam, expectedVersion: 0);

        Assert.Equal((RefusalKind.Forbidden, "Only admins can transfer ownership; Compliance can read it."), (result.Refusal?.Kind, result.Refusal?.Message));
        var key = await org.IdentityAsync(org.RitasKey);
        Assert.Equal((org.Rita.Id, 0), (key.OwnerId, key.OwnerVersion));
        Assert.Empty(await org.AuditAsync(SetupWords.IdentityOwnerChanged, nameof(Identity), org.RitasKey.Id));
    }

    [Fact]
    public async Task Transfer_TwoFromTheSameVersion_SecondRefusedAndFirstKept()
    {
        var org = await SetupOrg.CreateAsync(portal);
        var first = await org.TransferAsync(org.Admin, org.RitasKey, org.Sam, expectedVersion: 0);

        var second = await org.TransferAsync(org.Admin, org.RitasKey, org.Pat, expectedVersion: 0);

        Assert.Equal((SetupStatus.Saved, RefusalKind.Conflict), (first.Value?.Status, second.Refusal?.Kind));
        Assert.StartsWith($"{org.Org.Admin.DisplayName} changed the owner of {org.RitasKey.DisplayName} at 2026-11-26 12:00 UTC, after you opened it.",
            second.Refusal?.Message, StringComparison.Ordinal);
        Assert.Equal(org.Sam.Id, (await org.IdentityAsync(org.RitasKey)).OwnerId);
    }

    [Fact]
    public async Task Transfer_ToADepartedPerson_FieldErrorAndNothingChanges()
    {
        var org = await SetupOrg.CreateAsync(portal);

        var result = await org.TransferAsync(org.Admin, org.RitasKey, org.Lee, expectedVersion: 0);

        Assert.Equal($"{org.Lee.DisplayName} has left the company: choose someone employed as the owner.",
            result.Refusal!.FieldErrors![nameof(TransferNhiOwnership.Command.NewOwnerId)]);
        Assert.Equal(org.Rita.Id, (await org.IdentityAsync(org.RitasKey)).OwnerId);
    }

    [Fact]
    public async Task Transfer_APerson_NotFound()
    {
        var org = await SetupOrg.CreateAsync(portal);

        var result = await org.TransferAsync(org.Admin, org.Rita, org.Sam, expectedVersion: 0);

        Assert.Equal(RefusalKind.NotFound, result.Refusal?.Kind);
        Assert.Null((await org.IdentityAsync(org.Rita)).OwnerId);
    }

    [Fact]
    public async Task Transfer_ReasonLongerThanAllowed_FieldError()
    {
        var org = await SetupOrg.CreateAsync(portal);

        var result = await org.TransferAsync(org.Admin, org.RitasKey, org.Sam, expectedVersion: 0, reason: new string('x', MaxLengths.Justification + 1));

        Assert.Equal($"Keep the reason to {MaxLengths.Justification} characters; this one has {MaxLengths.Justification + 1}.",
            result.Refusal!.FieldErrors![nameof(TransferNhiOwnership.Command.Reason)]);
    }
}
