using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Requests;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>
/// The last-admin guard at close counts the removals already under way, whoever made them (another campaign, the grant
/// expiry): two closes before the next sync must not each remove one of a workspace's only two admins (issue #14, point 7).
/// </summary>
public class LastAdminAcrossCampaignsTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private sealed record TwoAdmins(TestOrg Org, Resource Workspace, Identity First, Identity Second, Grant FirstGrant, Grant SecondGrant);

    /// <summary>A workspace whose only admins are two people in different departments, so one campaign can cover each.</summary>
    private async Task<TwoAdmins> WorkspaceWithTwoAdminsAsync(DateTimeOffset? firstExpiresAt = null)
    {
        var org = new TestOrg("lastadmin");
        var workspace = org.Workspace("research", owner: null);
        var admin = org.Role(workspace, "workspace_admin", privileged: true);
        var first = org.Person("First admin");
        var second = org.Person("Second admin", department: $"{org.Tag} other");
        var firstGrant = org.Grant(first, admin);
        firstGrant.ExpiresAt = firstExpiresAt;
        var secondGrant = org.Grant(second, admin);
        // A member in neither campaign's department: each campaign covers exactly one admin.
        org.Grant(org.Person("Member", department: $"{org.Tag} members"), org.Role(workspace, "workspace_user"));
        await org.SaveAsync(portal);
        return new TwoAdmins(org, workspace, first, second, firstGrant, secondGrant);
    }

    /// <summary>A campaign over the workspace for one department whose silence revokes: launched, nobody answers.</summary>
    private async Task<int> LaunchRevokingAsync(TwoAdmins admins, string department)
    {
        var launched = await portal.LaunchCampaignAsync(admins.Org.Definition(d =>
        {
            d.Name = $"{admins.Org.Tag} {department}";
            d.ResourceIds = [admins.Workspace.Id];
            d.Departments = [department];
            d.UnreviewedOutcome = UnreviewedOutcome.Revoke;
        }), admins.Org.AdminViewer);
        Assert.True(launched.Ok, launched.Refusal?.Message);
        return launched.Value.CampaignId;
    }

    private async Task CloseAsync(TwoAdmins admins, int campaignId)
    {
        var closed = await portal.GetRequiredService<CloseCampaign>().HandleAsync(admins.Org.AdminViewer, campaignId, $"test-close-{campaignId}");
        Assert.True(closed.Ok, closed.Refusal?.Message);
        Assert.Equal(1, closed.Value.RemediationTasks);
    }

    private async Task<RemediationTask> TaskForAsync(Grant grant)
    {
        await using var db = await portal.CreateDbContextAsync();
        return await db.RemediationTasks.AsNoTracking().SingleAsync(t => t.GrantId == grant.Id);
    }

    [Fact]
    public async Task Close_TwoCampaignsEachRevokingOneOfTwoAdminsBeforeAnySync_SecondRemovalIsManualLastAdmin()
    {
        var admins = await WorkspaceWithTwoAdminsAsync();
        var campaignA = await LaunchRevokingAsync(admins, admins.Org.Department);
        var campaignB = await LaunchRevokingAsync(admins, $"{admins.Org.Tag} other");

        await CloseAsync(admins, campaignA);
        await CloseAsync(admins, campaignB);

        var first = await TaskForAsync(admins.FirstGrant);
        Assert.Equal((RemediationAction.RemoveWorkspaceMember, RemediationStatus.Pending), (first.Action, first.Status));
        var second = await TaskForAsync(admins.SecondGrant);
        Assert.Equal((RemediationAction.Manual, RemediationStatus.ManualRequired), (second.Action, second.Status));
        Assert.Contains($"{admins.Second.DisplayName} is the last admin/owner of {admins.Workspace.Name}", second.Instructions);
    }

    [Fact]
    public async Task Launch_RevokeDefaultOnTheOnlyAdminNotAlreadyBeingRemoved_IsBlocked()
    {
        // The launch's own guard counts removals under way too: with the first admin's removal pending, a campaign whose
        // silence revokes the second would leave the workspace without an admin.
        var admins = await WorkspaceWithTwoAdminsAsync();
        await CloseAsync(admins, await LaunchRevokingAsync(admins, admins.Org.Department));
        Assert.Equal(RemediationStatus.Pending, (await TaskForAsync(admins.FirstGrant)).Status);

        var launched = await portal.LaunchCampaignAsync(admins.Org.Definition(d =>
        {
            d.Name = $"{admins.Org.Tag} second";
            d.ResourceIds = [admins.Workspace.Id];
            d.Departments = [$"{admins.Org.Tag} other"];
            d.UnreviewedOutcome = UnreviewedOutcome.Revoke;
        }), admins.Org.AdminViewer);

        Assert.False(launched.Ok);
        Assert.Contains($"would remove the last admin/owner of {admins.Workspace.Name}", launched.Refusal.Message);
    }

    [Fact]
    public async Task Close_OtherAdminsGrantExpiredBeforeAnySync_RemovalIsManualLastAdmin()
    {
        var admins = await WorkspaceWithTwoAdminsAsync(firstExpiresAt: TestOrg.Now.AddDays(-1));
        var campaign = await LaunchRevokingAsync(admins, $"{admins.Org.Tag} other");
        Assert.True(await portal.GetRequiredService<ExpireGrantsJob>().RunAsync() >= 1);
        Assert.Equal(RemediationStatus.Pending, (await TaskForAsync(admins.FirstGrant)).Status);

        await CloseAsync(admins, campaign);

        var second = await TaskForAsync(admins.SecondGrant);
        Assert.Equal((RemediationAction.Manual, RemediationStatus.ManualRequired), (second.Action, second.Status));
        Assert.Contains("last admin/owner", second.Instructions);
    }

    [Fact]
    public async Task Close_SameAdminRevokedByTwoCampaigns_SecondRemovalStaysAutomatic()
    {
        // Removing an admin whose removal is already under way leaves the other admin in place: nobody is the last one.
        var admins = await WorkspaceWithTwoAdminsAsync();
        var campaignA = await LaunchRevokingAsync(admins, admins.Org.Department);
        var campaignB = await LaunchRevokingAsync(admins, admins.Org.Department);

        await CloseAsync(admins, campaignA);
        await CloseAsync(admins, campaignB);

        await using var db = await portal.CreateDbContextAsync();
        var tasks = await db.RemediationTasks.AsNoTracking().Where(t => t.GrantId == admins.FirstGrant.Id).ToListAsync();
        Assert.Equal(2, tasks.Count);
        Assert.All(tasks, t => Assert.Equal((RemediationAction.RemoveWorkspaceMember, RemediationStatus.Pending), (t.Action, t.Status)));
    }

    [Fact]
    public async Task Close_OtherAdminsRemovalGaveUp_RemovalStaysAutomatic()
    {
        // A removal the executor gave up on takes nobody away until an admin retries it (and the retry re-checks).
        var admins = await WorkspaceWithTwoAdminsAsync();
        var campaignA = await LaunchRevokingAsync(admins, admins.Org.Department);
        var campaignB = await LaunchRevokingAsync(admins, $"{admins.Org.Tag} other");
        await CloseAsync(admins, campaignA);
        await using (var db = await portal.CreateDbContextAsync())
        {
            var first = await db.RemediationTasks.SingleAsync(t => t.GrantId == admins.FirstGrant.Id);
            first.Fail("503 overloaded_error", retryAt: null);
            await db.SaveChangesAsync();
        }

        await CloseAsync(admins, campaignB);

        var second = await TaskForAsync(admins.SecondGrant);
        Assert.Equal((RemediationAction.RemoveWorkspaceMember, RemediationStatus.Pending), (second.Action, second.Status));
    }
}
