using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Setup;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Setup;

/// <summary>
/// The defaults are one row: admins save it (audited, before and after), Compliance reads it, a save from an older
/// version is refused, and only employed people may be fallbacks. Each test has its own portal (one row per database).
/// </summary>
public sealed class UpdateDefaultsTests
{
    private static Task<Result<SetupResult>> SaveAsync(PortalAppFactory portal, SetupOrg org, Viewer viewer, Identity? reviewer,
        Identity? approver, int expectedVersion) =>
        portal.GetRequiredService<UpdateDefaults>().HandleAsync(viewer, new UpdateDefaults.Command
        {
            FallbackReviewerId = reviewer?.Id, FallbackApproverId = approver?.Id, ExpectedVersion = expectedVersion,
        }, $"test-{Guid.NewGuid():N}");

    [Fact]
    public async Task Update_Admin_SavedAuditedAndReadBackByCompliance()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await SetupOrg.CreateAsync(portal);

        var result = await SaveAsync(portal, org, org.Admin, org.Sam, org.Pat, expectedVersion: 0);

        Assert.Equal((SetupStatus.Saved, 1), (result.Value?.Status, result.Value?.NewVersion));
        var view = (await portal.GetRequiredService<GetDefaults>().HandleAsync(org.Compliance)).Value;
        Assert.NotNull(view);
        Assert.Equal((org.Sam.Id, org.Pat.Id, 1, org.Org.Admin.DisplayName, false),
            (view.FallbackReviewer?.Id, view.FallbackApprover?.Id, view.Version, view.UpdatedBy, view.CanEdit));
        var history = Assert.Single((await portal.GetRequiredService<GetChangeHistory>().HandleAsync(org.Compliance, ChangeTarget.Defaults)).Value!);
        Assert.Equal([
            new FieldChange("Fallback reviewer", "nobody", org.Sam.DisplayName),
            new FieldChange("Fallback approver", "nobody", org.Pat.DisplayName),
        ], history.Changes);
        Assert.Equal(RefusalKind.Forbidden, (await portal.GetRequiredService<GetDefaults>().HandleAsync(Campaigns.TestOrg.Viewer(org.Rita))).Refusal?.Kind);
    }

    [Fact]
    public async Task Update_Compliance_RefusedAndNothingChanges()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await SetupOrg.CreateAsync(portal);

        var result = await SaveAsync(portal, org, org.Compliance, org.Sam, org.Pat, expectedVersion: 0);

        Assert.Equal((RefusalKind.Forbidden, "Only admins can change the defaults; Compliance can read them."), (result.Refusal?.Kind, result.Refusal?.Message));
        var view = (await portal.GetRequiredService<GetDefaults>().HandleAsync(org.Admin)).Value;
        Assert.Equal(((int?)null, (int?)null, 0), (view!.FallbackReviewer?.Id, view.FallbackApprover?.Id, view.Version));
        Assert.Empty((await portal.GetRequiredService<GetChangeHistory>().HandleAsync(org.Admin, ChangeTarget.Defaults)).Value!);
    }

    [Fact]
    public async Task Update_TwoSavesFromTheSameVersion_SecondRefusedAndFirstKept()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await SetupOrg.CreateAsync(portal);
        var first = await SaveAsync(portal, org, org.Admin, org.Sam, org.Pat, expectedVersion: 0);

        var second = await SaveAsync(portal, org, org.Admin, org.Olga, org.Olga, expectedVersion: 0);

        Assert.Equal((SetupStatus.Saved, RefusalKind.Conflict), (first.Value?.Status, second.Refusal?.Kind));
        Assert.Equal($"{org.Org.Admin.DisplayName} changed the defaults at 2026-11-26 12:00 UTC, after you opened it. " +
            "Your change was not saved: reload to see theirs, then decide again.", second.Refusal?.Message);
        var view = (await portal.GetRequiredService<GetDefaults>().HandleAsync(org.Admin)).Value;
        Assert.Equal((org.Sam.Id, org.Pat.Id, 1), (view!.FallbackReviewer?.Id, view.FallbackApprover?.Id, view.Version));
    }

    [Fact]
    public async Task Update_NobodyChosen_BothFieldsSayWhatIsMissing()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await SetupOrg.CreateAsync(portal);

        var result = await SaveAsync(portal, org, org.Admin, null, null, expectedVersion: 0);

        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        Assert.Equal("Choose a fallback reviewer: review items nobody else may decide go to them.",
            result.Refusal!.FieldErrors![nameof(UpdateDefaults.Command.FallbackReviewerId)]);
        Assert.Equal("Choose a fallback approver: approval steps nobody else may take, and escalations, go to them.",
            result.Refusal!.FieldErrors![nameof(UpdateDefaults.Command.FallbackApproverId)]);
    }

    [Fact]
    public async Task Update_DepartedReviewerOrAKeyAsApprover_FieldErrorsAndNothingSaved()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = await SetupOrg.CreateAsync(portal);

        var result = await SaveAsync(portal, org, org.Admin, org.Lee, org.RitasKey, expectedVersion: 0);

        Assert.Equal($"{org.Lee.DisplayName} has left the company: choose someone employed as the fallback reviewer.",
            result.Refusal!.FieldErrors![nameof(UpdateDefaults.Command.FallbackReviewerId)]);
        Assert.Equal($"{org.RitasKey.DisplayName} is an API key: the fallback approver must be a person.",
            result.Refusal!.FieldErrors![nameof(UpdateDefaults.Command.FallbackApproverId)]);
        Assert.Equal(0, (await portal.GetRequiredService<GetDefaults>().HandleAsync(org.Admin)).Value!.Version);
    }
}
