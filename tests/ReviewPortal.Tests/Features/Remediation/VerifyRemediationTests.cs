using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Remediation;
using ReviewPortal.Web.Features.Reviews;

namespace ReviewPortal.Tests.Features.Remediation;

/// <summary>Closed loop: the directory sync after the change proves it (Verified) or shows the access still or again there (Drift).</summary>
public class VerifyRemediationTests
{
    [Fact]
    public async Task VerifyRemediation_RemovalSeenBySync_VerifiedThenReAddedUpstream_Drift()
    {
        await using var portal = new RemediationPortal();
        var grant = await portal.WorkspaceGrantAsync("workspace_developer");
        var id = await portal.CreateTaskAsync(grant, RemediationAction.RemoveWorkspaceMember);
        await portal.RunRemediationAsync();

        await portal.SyncAsync();

        var verified = await portal.TaskAsync(id);
        Assert.Equal(RemediationStatus.Verified, verified.Status);
        Assert.Equal(portal.Time.GetUtcNow(), verified.VerifiedAt);
        Assert.Single(await portal.AuditAsync(id, "remediation.verified"));
        await using (var db = await portal.CreateDbContextAsync())
        {
            Assert.NotNull((await db.Grants.SingleAsync(g => g.Id == grant.Id)).EndedAt);
        }

        // A second sync with nothing changed leaves it alone.
        await portal.SyncAsync();
        Assert.Single(await portal.AuditAsync(id, "remediation.verified"));

        // Someone puts the access back upstream.
        await portal.Admin.AddWorkspaceMemberAsync(grant.Entitlement.Resource.ExternalId, grant.Identity.ExternalId, "workspace_developer");
        await portal.SyncAsync();

        Assert.Equal(RemediationStatus.Drift, (await portal.TaskAsync(id)).Status);
        var drift = Assert.Single(await portal.AuditAsync(id, "remediation.drift"));
        Assert.Contains("came back", drift.After);
        var overview = (await portal.GetRequiredService<GetRemediationOverview>().HandleAsync(await portal.ViewerForAsync("compliance"))).Value;
        Assert.Equal(1, overview!.Count(RemediationStatus.Drift));
        Assert.Equal(id, overview.Tasks[0].Id);
    }

    [Fact]
    public async Task VerifyRemediation_ReduceSeenBySync_VerifiedWithTheLesserRole()
    {
        await using var portal = new RemediationPortal();
        var grant = await portal.WorkspaceGrantAsync("workspace_developer");
        var id = await portal.CreateTaskAsync(grant, RemediationAction.ChangeWorkspaceRole, "workspace_user");
        await portal.RunRemediationAsync();

        await portal.SyncAsync();

        Assert.Equal(RemediationStatus.Verified, (await portal.TaskAsync(id)).Status);
        Assert.Contains("holder now has workspace_user", Assert.Single(await portal.AuditAsync(id, "remediation.verified")).After);
        await using var db = await portal.CreateDbContextAsync();
        Assert.True(await db.Grants.AnyAsync(g => g.IdentityId == grant.IdentityId && g.EndedAt == null
            && g.Entitlement.ResourceId == grant.Entitlement.ResourceId && g.Entitlement.Value == "workspace_user"));
    }

    [Fact]
    public async Task VerifyRemediation_ManualTaskMarkedDoneButNotDone_DriftAndConfirmerRecorded()
    {
        await using var portal = new RemediationPortal();
        var admin = await portal.ConsoleRoleGrantAsync("admin");
        var id = await portal.CreateTaskAsync(admin, RemediationAction.RemoveOrgUser);
        await portal.RunRemediationAsync();
        Assert.Equal(RemediationStatus.ManualRequired, (await portal.TaskAsync(id)).Status);
        var adminViewer = await portal.ViewerForAsync("admin");

        var marked = await portal.GetRequiredService<MarkRemediationDone>().HandleAsync(adminViewer, new MarkRemediationDone.Command(id, "Done in Console settings"), "test");

        Assert.True(marked.Ok);
        Assert.Equal(RemediationStatus.Succeeded, (await portal.TaskAsync(id)).Status);
        var confirmation = Assert.Single(await portal.AuditAsync(id, MarkRemediationDone.AuditAction));
        Assert.Equal(adminViewer.IdentityId, confirmation.ActorId);
        var overview = (await portal.GetRequiredService<GetRemediationOverview>().HandleAsync(adminViewer)).Value;
        Assert.StartsWith(adminViewer.Name, overview!.Tasks.Single(t => t.Id == id).ConfirmedBy);

        // Nobody actually removed the admin: the next sync says so.
        await portal.SyncAsync();
        Assert.Equal(RemediationStatus.Drift, (await portal.TaskAsync(id)).Status);
        Assert.Contains("still present", Assert.Single(await portal.AuditAsync(id, "remediation.drift")).After);
    }

    [Fact]
    public async Task VerifyRemediation_DeactivatedKeyVerified_ArchivedAfterGracePeriod()
    {
        await using var portal = new RemediationPortal();
        var grant = await portal.ActiveKeyGrantAsync();
        var deactivate = await portal.CreateTaskAsync(grant, RemediationAction.DeactivateApiKey, "inactive");
        await portal.RunRemediationAsync();
        await portal.SyncAsync();
        var verifiedAt = portal.Time.GetUtcNow();
        Assert.Equal(RemediationStatus.Verified, (await portal.TaskAsync(deactivate)).Status);

        RemediationTask archive;
        await using (var db = await portal.CreateDbContextAsync())
        {
            archive = await db.RemediationTasks.AsNoTracking().SingleAsync(t => t.GrantId == grant.Id && t.Action == RemediationAction.ArchiveApiKey);
        }
        Assert.Equal(RemediationStatus.Pending, archive.Status);
        Assert.Equal(verifiedAt.AddDays(30), archive.NextAttemptAt);
        Assert.Single(await portal.AuditAsync(archive.Id, "remediation.created"));

        // Another sync does not schedule a second archive; inside the grace period nothing is called.
        await portal.SyncAsync();
        portal.ClearCalls();
        await portal.RunRemediationAsync();
        Assert.Empty(portal.Mutations);
        await using (var db = await portal.CreateDbContextAsync())
        {
            Assert.Equal(1, await db.RemediationTasks.CountAsync(t => t.GrantId == grant.Id && t.Action == RemediationAction.ArchiveApiKey));
        }

        portal.Time.Advance(TimeSpan.FromDays(30));
        await portal.RunRemediationAsync();

        var call = Assert.Single(portal.Mutations);
        Assert.Equal(("POST", $"/v1/organizations/api_keys/{grant.Identity.ExternalId}", "{\"status\":\"archived\"}", 200),
            (call.Method, call.Path, call.Body, call.Status));
        await portal.SyncAsync();
        Assert.Equal(RemediationStatus.Verified, (await portal.TaskAsync(archive.Id)).Status);
    }

    [Fact]
    public async Task CloseCampaign_ReduceDecision_ExecutedThroughTheApiAndVerifiedBySync()
    {
        await using var portal = new RemediationPortal();
        ReviewItem item;
        await using (var db = await portal.CreateDbContextAsync())
        {
            item = await db.ReviewItems.AsNoTracking().Include(i => i.Entitlement).ThenInclude(e => e.Resource).Include(i => i.Identity)
                .Where(i => i.Outcome == null && i.Stage == 1 && i.Entitlement.Kind == EntitlementKind.WorkspaceRole
                    && i.Entitlement.Value == "workspace_developer" && i.Entitlement.ReducesToId != null
                    && !db.Grants.Any(o => o.IdentityId == i.IdentityId && o.EndedAt == null && o.Entitlement.Kind == EntitlementKind.OrgRole
                        && (o.Entitlement.Value == "admin" || o.Entitlement.Value == "billing")))
                .OrderBy(i => i.Id).FirstAsync();
        }
        var reviewer = await portal.ViewerForIdentityAsync(item.ReviewerId);
        var decided = await portal.GetRequiredService<DecideReviewItem>().HandleAsync(reviewer, new DecideReviewItem.Command
        {
            ItemId = item.Id, Outcome = DecisionOutcome.Reduce, Justification = "Only needs to use the workspace, not deploy to it.",
            ExpectedVersion = item.Version, EvidenceHash = item.EvidenceHash,
        }, "test");
        Assert.True(decided.Ok, decided.Refusal?.Message);
        var closed = await portal.GetRequiredService<CloseCampaign>().HandleAsync(await portal.ViewerForAsync("admin"), item.CampaignId, "test");
        Assert.True(closed.Ok, closed.Refusal?.Message);
        portal.ClearCalls();

        await portal.RunRemediationAsync();
        await portal.SyncAsync();

        long taskId;
        await using (var db = await portal.CreateDbContextAsync())
        {
            var task = await db.RemediationTasks.AsNoTracking().SingleAsync(t => t.ReviewItemId == item.Id);
            taskId = task.Id;
            Assert.Equal((RemediationAction.ChangeWorkspaceRole, "workspace_user", RemediationStatus.Verified), (task.Action, task.TargetValue, task.Status));
        }
        var call = Assert.Single(portal.Mutations);
        Assert.Equal(("POST", $"/v1/organizations/workspaces/{item.Entitlement.Resource.ExternalId}/members/{item.Identity.ExternalId}",
            "{\"workspace_role\":\"workspace_user\"}"), (call.Method, call.Path, call.Body));
        var verified = Assert.Single(await portal.AuditAsync(taskId, "remediation.verified"));
        Assert.Equal(item.CampaignId, verified.CampaignId);
    }
}
