using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Tests.Features.Remediation;

/// <summary>
/// The executor re-checks the last-admin guard just before it calls the Admin API: removal tasks made without it (an
/// older version, or two closes racing on a server database) never take a workspace's last admin away (issue #14, point 7).
/// </summary>
public class LastAdminRecheckTests
{
    /// <summary>
    /// A simulated workspace whose only admins (in the portal and upstream) are two people the API may remove: every other
    /// admin grant of that workspace is ended, as if the directory had last seen it that way.
    /// </summary>
    private static async Task<(Grant First, Grant Second)> OnlyTwoAdminsAsync(RemediationPortal portal)
    {
        var member = await portal.WorkspaceGrantAsync("workspace_developer");
        var other = await portal.GrantAsync(q => q
            .Where(g => g.EntitlementId == member.EntitlementId && g.IdentityId != member.IdentityId && g.Identity.ExternalId.StartsWith("user_")
                && !q.Any(o => o.IdentityId == g.IdentityId && o.EndedAt == null && o.Entitlement.Kind == EntitlementKind.OrgRole
                    && (o.Entitlement.Value == "admin" || o.Entitlement.Value == "billing"))));
        var workspace = member.Entitlement.Resource;
        long firstId, secondId;
        await using (var db = await portal.CreateDbContextAsync())
        {
            var now = portal.Time.GetUtcNow();
            var admin = await db.Entitlements.SingleOrDefaultAsync(e => e.ResourceId == workspace.Id && e.Value == "workspace_admin");
            if (admin is null)
            {
                admin = new Entitlement
                {
                    ResourceId = workspace.Id, Kind = EntitlementKind.WorkspaceRole, Value = "workspace_admin",
                    DisplayName = $"{workspace.Name}: workspace admin", IsPrivileged = true,
                };
                db.Entitlements.Add(admin);
            }
            await db.Grants.Where(g => g.EndedAt == null && g.Entitlement.ResourceId == workspace.Id && g.Entitlement.IsPrivileged)
                .ExecuteUpdateAsync(s => s.SetProperty(g => g.EndedAt, now));
            var first = new Grant { IdentityId = member.IdentityId, Entitlement = admin, GrantedAt = now.AddDays(-30) };
            var second = new Grant { IdentityId = other.IdentityId, Entitlement = admin, GrantedAt = now.AddDays(-30) };
            db.Grants.AddRange(first, second);
            await db.SaveChangesAsync();
            (firstId, secondId) = (first.Id, second.Id);
        }
        await portal.Admin.UpdateWorkspaceMemberRoleAsync(workspace.ExternalId, member.Identity.ExternalId, "workspace_admin");
        await portal.Admin.UpdateWorkspaceMemberRoleAsync(workspace.ExternalId, other.Identity.ExternalId, "workspace_admin");
        return (await portal.GrantAsync(q => q.Where(g => g.Id == firstId)), await portal.GrantAsync(q => q.Where(g => g.Id == secondId)));
    }

    [Fact]
    public async Task ExecuteRemediation_PendingRemovalsOfBothOnlyAdmins_RemovesOneAndTheOtherBecomesManualLastAdmin()
    {
        await using var portal = new RemediationPortal();
        var (first, second) = await OnlyTwoAdminsAsync(portal);
        var firstTask = await portal.CreateTaskAsync(first, RemediationAction.RemoveWorkspaceMember);
        var secondTask = await portal.CreateTaskAsync(second, RemediationAction.RemoveWorkspaceMember);
        portal.ClearCalls();

        var run = await portal.RunRemediationAsync();

        var ws = first.Entitlement.Resource.ExternalId;
        var call = Assert.Single(portal.Mutations);
        Assert.Equal(new WireCall("DELETE", $"/v1/organizations/workspaces/{ws}/members/{first.Identity.ExternalId}", null, 200), call);
        Assert.Equal((1, 1, 0), (run.Succeeded, run.Manual, run.Failed));
        Assert.Equal(RemediationStatus.Succeeded, (await portal.TaskAsync(firstTask)).Status);
        var kept = await portal.TaskAsync(secondTask);
        Assert.Equal(RemediationStatus.ManualRequired, kept.Status);
        Assert.Null(kept.NextAttemptAt);
        Assert.Contains($"{second.Identity.DisplayName} is the last admin/owner of {second.Entitlement.Resource.Name}", kept.Instructions);
        Assert.Single(await portal.AuditAsync(secondTask, "remediation.manual-required"));
        var members = await portal.ListAsync(portal.Admin.ListWorkspaceMembersAsync(ws));
        Assert.Equal("workspace_admin", Assert.Single(members, m => m.UserId == second.Identity.ExternalId).WorkspaceRole);

        // A manual task is never picked up again: the last admin stays until a person acts.
        portal.ClearCalls();
        portal.Time.Advance(TimeSpan.FromHours(1));
        await portal.RunRemediationAsync();
        Assert.Empty(portal.Mutations);
    }

    [Fact]
    public async Task ExecuteRemediation_OtherAdminsRemovalIsOnlyPlannedManual_RemovesThroughTheApi()
    {
        // The close-time guard leaves the second admin's removal to a person; the first one's removal must still run.
        await using var portal = new RemediationPortal();
        var (first, second) = await OnlyTwoAdminsAsync(portal);
        var firstTask = await portal.CreateTaskAsync(first, RemediationAction.RemoveWorkspaceMember);
        await using (var db = await portal.CreateDbContextAsync())
        {
            db.RemediationTasks.Add(new RemediationTask
            {
                GrantId = second.Id, Action = RemediationAction.Manual, Status = RemediationStatus.ManualRequired, CreatedAt = portal.Time.GetUtcNow(),
                Instructions = "Not removed automatically: the last admin/owner.",
            });
            await db.SaveChangesAsync();
        }
        portal.ClearCalls();

        await portal.RunRemediationAsync();

        Assert.Equal(("DELETE", 200), (Assert.Single(portal.Mutations).Method, Assert.Single(portal.Mutations).Status));
        Assert.Equal(RemediationStatus.Succeeded, (await portal.TaskAsync(firstTask)).Status);
    }
}
