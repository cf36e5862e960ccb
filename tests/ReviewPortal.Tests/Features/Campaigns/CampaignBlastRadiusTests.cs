using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>
/// The last-admin guard: preview says what silence would remove, and a launch whose no-response
/// default could leave a resource without any admin/owner is refused before anything is stored.
/// </summary>
public class CampaignBlastRadiusTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private sealed record Admins(TestOrg Org, Resource Workspace, Identity First, Identity Second);

    /// <summary>An org with two org admins (in different departments) and one workspace with a single workspace admin.</summary>
    private async Task<Admins> OrgWithTwoAdminsAsync()
    {
        var org = new TestOrg("blast");
        var orgAdmin = org.Role(org.Organization, "admin", privileged: true);
        var user = org.Role(org.Organization, "user");
        var first = org.Person("First admin");
        var second = org.Person("Second admin", department: $"{org.Tag} other");
        org.Grant(first, orgAdmin);
        org.Grant(second, orgAdmin);
        org.Grant(org.Person("User"), user);
        var workspace = org.Workspace("research", owner: null);
        org.Grant(first, org.Role(workspace, "workspace_admin", privileged: true));
        await org.SaveAsync(portal);
        return new Admins(org, workspace, first, second);
    }

    private async Task<(int Campaigns, int Items, long Audit)> CountsAsync()
    {
        await using var db = await portal.CreateDbContextAsync();
        return (await db.Campaigns.CountAsync(), await db.ReviewItems.CountAsync(), await db.AuditEntries.LongCountAsync());
    }

    [Fact]
    public async Task Preview_RevokeDefaultCoversEveryOrgAdmin_BlockedNamingTheOrg()
    {
        var (org, _, _, _) = await OrgWithTwoAdminsAsync();
        var definition = org.Definition(d => { d.Roles = ["admin"]; d.UnreviewedOutcome = UnreviewedOutcome.Revoke; });

        var preview = await portal.PreviewCampaignAsync(definition, org.AdminViewer);

        Assert.True(preview.Ok, preview.Refusal?.Message);
        Assert.Equal(2, preview.Value.Items);
        Assert.Equal(2, preview.Value.PrivilegedLostCount);
        Assert.NotNull(preview.Value.LaunchBlockedReason);
        Assert.Contains($"last admin/owner of {org.Organization.Name}", preview.Value.LaunchBlockedReason);
    }

    [Fact]
    public async Task Launch_RevokeDefaultCoversEveryOrgAdmin_RefusedAndStoresNothing()
    {
        var (org, _, _, _) = await OrgWithTwoAdminsAsync();
        var definition = org.Definition(d => { d.Roles = ["admin"]; d.UnreviewedOutcome = UnreviewedOutcome.Revoke; });
        var before = await CountsAsync();

        var launched = await portal.LaunchCampaignAsync(definition, org.AdminViewer);

        Assert.False(launched.Ok);
        Assert.Null(launched.Value);
        Assert.Contains(org.Organization.Name, launched.Refusal.Message);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Launch_SoleWorkspaceAdminUnderRevokeDefault_RefusedNamingTheWorkspace()
    {
        var (org, workspace, _, _) = await OrgWithTwoAdminsAsync();
        var definition = org.Definition(d =>
        {
            d.ResourceIds = [workspace.Id];
            d.UnreviewedOutcome = UnreviewedOutcome.Revoke;
        });

        var preview = await portal.PreviewCampaignAsync(definition, org.AdminViewer);
        var launched = await portal.LaunchCampaignAsync(definition, org.AdminViewer);

        Assert.Contains(workspace.Name, preview.Value!.LaunchBlockedReason);
        Assert.DoesNotContain(org.Organization.Name, preview.Value.LaunchBlockedReason);
        Assert.False(launched.Ok);
    }

    [Fact]
    public async Task Launch_SameScopeWithNoChangeDefault_LaunchesEveryAdminItem()
    {
        var (org, _, first, second) = await OrgWithTwoAdminsAsync();
        var definition = org.Definition(d => { d.Roles = ["admin"]; d.UnreviewedOutcome = UnreviewedOutcome.NoChange; });

        var preview = await portal.PreviewCampaignAsync(definition, org.AdminViewer);
        var launched = await portal.LaunchCampaignAsync(definition, org.AdminViewer);

        Assert.Null(preview.Value!.LaunchBlockedReason);
        Assert.Equal(0, preview.Value.PrivilegedLostCount);
        Assert.True(launched.Ok, launched.Refusal?.Message);
        Assert.Equal(2, launched.Value.Items);
        await using var db = await portal.CreateDbContextAsync();
        var holders = await db.ReviewItems.Where(i => i.CampaignId == launched.Value.CampaignId).Select(i => i.IdentityId).OrderBy(i => i).ToListAsync();
        Assert.Equal(new[] { first.Id, second.Id }.Order(), holders);
    }

    [Fact]
    public async Task Launch_RevokeDefaultCoversOnlyOneOfTwoAdmins_LaunchesAndReportsTheLoss()
    {
        var (org, _, first, _) = await OrgWithTwoAdminsAsync();
        var definition = org.Definition(d =>
        {
            d.Roles = ["admin"];
            d.Departments = [org.Department];
            d.UnreviewedOutcome = UnreviewedOutcome.Revoke;
        });

        var preview = await portal.PreviewCampaignAsync(definition, org.AdminViewer);
        var launched = await portal.LaunchCampaignAsync(definition, org.AdminViewer);

        Assert.Null(preview.Value!.LaunchBlockedReason);
        Assert.Equal(1, preview.Value.PrivilegedLostCount);
        Assert.Equal([$"{first.DisplayName}: {org.Organization.Name}: admin"], preview.Value.PrivilegedLostByDefault);
        Assert.Equal(1, launched.Value!.Items);
    }
}
