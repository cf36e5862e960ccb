using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Lifecycle;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Lifecycle;

/// <summary>Only admins change lifecycle rules; every change is audited with before and after; the validator names the field.</summary>
public sealed class UpdateLifecycleRulesTests
{
    [Theory]
    [InlineData(Roles.Compliance)]
    [InlineData("")]
    public async Task Update_NonAdmin_RefusedAndNothingChanges(string role)
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = new LifecycleOrg(portal);
        await org.SaveAsync();
        var viewer = role == "" ? TestOrg.Viewer(org.Maya) : TestOrg.Viewer(org.Maya, role);

        var result = await portal.GetRequiredService<UpdateLifecycleRules>().HandleAsync(viewer,
            new UpdateLifecycleRules.Command { DepartedOwnerEnabled = true, DormantKeysEnabled = true }, "test");

        Assert.False(result.Ok);
        Assert.Equal("Only admins can change lifecycle rules.", result.Refusal.Message);
        await using var db = await portal.CreateDbContextAsync();
        Assert.Empty(await db.LifecycleRules.ToListAsync());
        Assert.Empty(await org.AuditAsync("lifecycle.rule-updated"));
    }

    [Fact]
    public async Task Update_AdminEnablesOneRule_OneAuditEntryWithBeforeAndAfter_ReadBackByCompliance()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = new LifecycleOrg(portal);
        await org.SaveAsync();

        var result = await org.EnableAsync(departedOwner: true);

        Assert.Equal((true, 1), (result.Ok, result.Value));
        var entry = Assert.Single(await org.AuditAsync("lifecycle.rule-updated"));
        Assert.Equal((nameof(LifecycleRule), LifecycleRule.DepartedOwner, org.Org.Admin.Id), (entry.TargetType, entry.TargetId, entry.ActorId));
        Assert.Contains("\"Enabled\":false", entry.Before);
        Assert.Contains("\"Enabled\":true", entry.After);
        var view = (await portal.GetRequiredService<GetLifecycleRules>().HandleAsync(TestOrg.Viewer(org.Maya, Roles.Compliance))).Value;
        Assert.NotNull(view);
        Assert.False(view.CanEdit);
        Assert.True(view[LifecycleRule.DepartedOwner].Enabled);
        Assert.Equal(org.Org.Admin.DisplayName, view[LifecycleRule.DepartedOwner].UpdatedBy);
        Assert.False(view[LifecycleRule.DormantKeys].Enabled);
        Assert.Equal(45, view[LifecycleRule.DormantKeys].DormantDays);
        Assert.Equal(RefusalKind.Forbidden, (await portal.GetRequiredService<GetLifecycleRules>().HandleAsync(TestOrg.Viewer(org.Maya))).Refusal?.Kind);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    public async Task Update_DormantDaysOutOfRange_FieldErrorAndNothingSaved(int days)
    {
        var validation = new UpdateLifecycleRules.Validator().Validate(new UpdateLifecycleRules.Command { DormantDays = days });
        var error = Assert.Single(validation.Errors);
        Assert.Equal(nameof(UpdateLifecycleRules.Command.DormantDays), error.PropertyName);
        Assert.Equal("A key counts as dormant after 7 to 365 days without activity.", error.ErrorMessage);

        await using var portal = new EmptyPortalAppFactory();
        var org = new LifecycleOrg(portal);
        await org.SaveAsync();
        var result = await org.EnableAsync(dormantKeys: true, dormantDays: days);
        Assert.False(result.Ok);
        Assert.Equal(error.ErrorMessage, result.Refusal.FieldErrors![nameof(UpdateLifecycleRules.Command.DormantDays)]);
        await using var db = await portal.CreateDbContextAsync();
        Assert.Empty(await db.LifecycleRules.ToListAsync());
    }
}
