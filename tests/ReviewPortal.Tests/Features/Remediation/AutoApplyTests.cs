using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;

namespace ReviewPortal.Tests.Features.Remediation;

/// <summary>
/// Issue #14 (2): a campaign that closes itself at due and applies its results unattended sends its removals to the Admin
/// API in the same job run, with no admin's Close or "run remediation now"; without auto-apply the tasks wait for
/// remediation's own schedule. Against the simulated organization through the real client, every call on the wire.
/// </summary>
public class AutoApplyTests
{
    private static async Task<(int CampaignId, Grant Sample)> LaunchAsync(RemediationPortal portal, bool autoApply)
    {
        var sample = await portal.WorkspaceGrantAsync("workspace_developer");
        var admin = await portal.ViewerForAsync("admin");
        var launched = await portal.LaunchCampaignAsync(new CampaignDefinition
        {
            Name = "Developers of one workspace",
            ResourceIds = [sample.Entitlement.ResourceId],
            EntitlementKinds = [EntitlementKind.WorkspaceRole],
            IdentityKinds = [IdentityKind.Person],
            Roles = ["workspace_developer"],
            Reviewer = ReviewerRule.Manager,
            FallbackReviewerId = admin.IdentityId,
            DueAt = portal.Time.GetUtcNow().AddDays(7),
            UnreviewedOutcome = UnreviewedOutcome.Revoke,
            AutoClose = true,
            AutoApply = autoApply,
        }, admin);
        Assert.True(launched.Ok, launched.Refusal?.Message);
        return (launched.Value.CampaignId, sample);
    }

    private static async Task<List<RemediationTask>> TasksAsync(RemediationPortal portal, int campaignId)
    {
        await using var db = await portal.CreateDbContextAsync();
        var items = db.ReviewItems.Where(i => i.CampaignId == campaignId).Select(i => (long?)i.Id);
        return await db.RemediationTasks.AsNoTracking().Include(t => t.Grant).ThenInclude(g => g.Identity)
            .Include(t => t.Grant).ThenInclude(g => g.Entitlement).ThenInclude(e => e.Resource)
            .Where(t => items.Contains(t.ReviewItemId)).ToListAsync();
    }

    [Fact]
    public async Task AutoApply_CampaignDue_JobClosesItAndTheAdminApiReceivesEveryRemoval()
    {
        await using var portal = new RemediationPortal();
        var (campaignId, sample) = await LaunchAsync(portal, autoApply: true);
        portal.ClearCalls();
        portal.Time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(5));

        var run = await portal.GetRequiredService<AutoCloseCampaignsJob>().RunAsync();

        Assert.Equal(1, run.Closed);
        var tasks = await TasksAsync(portal, campaignId);
        Assert.NotEmpty(tasks);
        Assert.Equal(tasks.Count, run.RemediationTasks);
        Assert.NotNull(run.Remediation);
        Assert.Equal(tasks.Count, run.Remediation.Due);
        var ws = sample.Entitlement.Resource.ExternalId;
        // One DELETE per removal, each for a member of this workspace, and the organization really changed.
        Assert.Equal(tasks.Select(t => $"/v1/organizations/workspaces/{ws}/members/{t.Grant.Identity.ExternalId}").Order(),
            portal.Mutations.Where(c => c.Method == "DELETE").Select(c => c.Path).Order());
        Assert.Contains(tasks, t => t.Grant.Id == sample.Id);
        Assert.All(tasks, t => Assert.Equal(RemediationStatus.Succeeded, t.Status));
        var members = await portal.ListAsync(portal.Admin.ListWorkspaceMembersAsync(ws));
        Assert.DoesNotContain(members, m => m.UserId == sample.Identity.ExternalId);
    }

    [Fact]
    public async Task AutoCloseWithoutAutoApply_CampaignDue_ClosedTasksWaitAndNothingIsCalled()
    {
        await using var portal = new RemediationPortal();
        var (campaignId, _) = await LaunchAsync(portal, autoApply: false);
        portal.ClearCalls();
        portal.Time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(5));

        var run = await portal.GetRequiredService<AutoCloseCampaignsJob>().RunAsync();

        Assert.Equal(1, run.Closed);
        Assert.Null(run.Remediation);
        Assert.Empty(portal.Mutations);
        Assert.All(await TasksAsync(portal, campaignId), t => Assert.Equal(RemediationStatus.Pending, t.Status));
    }
}
