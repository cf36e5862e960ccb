using System.Net;
using ReviewPortal.Claude.Simulation;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Remediation;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Remediation;

/// <summary>Who may see and act on remediation: the handlers decide, the page only follows.</summary>
public class RemediationAccessTests
{
    [Fact]
    public async Task RetryAndMarkDone_NonAdmin_RefusedAndNothingChanges()
    {
        await using var portal = new RemediationPortal(maxAttempts: 1);
        var failedGrant = await portal.ActiveKeyGrantAsync();
        var failed = await portal.CreateTaskAsync(failedGrant, RemediationAction.DeactivateApiKey, "inactive");
        portal.Faults.Enqueue(SimulatedFault.ServiceUnavailable() with { PathPrefix = "/v1/organizations/api_keys" });
        var manual = await portal.CreateTaskAsync(await portal.ConsoleRoleGrantAsync("admin"), RemediationAction.RemoveOrgUser);
        await portal.RunRemediationAsync();
        Assert.Equal((RemediationStatus.Failed, (DateTimeOffset?)null), ((await portal.TaskAsync(failed)).Status, (await portal.TaskAsync(failed)).NextAttemptAt));
        Assert.Equal(RemediationStatus.ManualRequired, (await portal.TaskAsync(manual)).Status);
        var retry = portal.GetRequiredService<RetryRemediationTask>();
        var markDone = portal.GetRequiredService<MarkRemediationDone>();

        foreach (var persona in new[] { "compliance", "manager" })
        {
            var viewer = await portal.ViewerForAsync(persona);
            Assert.False((await retry.HandleAsync(viewer, failed, "test")).Ok);
            Assert.False((await markDone.HandleAsync(viewer, new MarkRemediationDone.Command(manual), "test")).Ok);
        }

        Assert.Equal(RemediationStatus.Failed, (await portal.TaskAsync(failed)).Status);
        Assert.Equal(RemediationStatus.ManualRequired, (await portal.TaskAsync(manual)).Status);
        Assert.Empty(await portal.AuditAsync(failed, "remediation.retry-requested"));
        Assert.Empty(await portal.AuditAsync(manual, MarkRemediationDone.AuditAction));

        // Compliance reads everything; a manager reads nothing.
        Assert.NotNull((await portal.GetRequiredService<GetRemediationOverview>().HandleAsync(await portal.ViewerForAsync("compliance"))).Value);
        Assert.Equal(RefusalKind.Forbidden,
            (await portal.GetRequiredService<GetRemediationOverview>().HandleAsync(await portal.ViewerForAsync("manager"))).Refusal?.Kind);

        // The admin's retry makes it due at once with a fresh budget, and the next run succeeds.
        Assert.True((await retry.HandleAsync(await portal.ViewerForAsync("admin"), failed, "test")).Ok);
        var retried = await portal.TaskAsync(failed);
        Assert.Equal((RemediationStatus.Pending, 0, portal.Time.GetUtcNow()), (retried.Status, retried.Attempts, retried.NextAttemptAt));
        await portal.RunRemediationAsync();
        Assert.Equal(RemediationStatus.Succeeded, (await portal.TaskAsync(failed)).Status);
        Assert.False((await retry.HandleAsync(await portal.ViewerForAsync("admin"), failed, "test")).Ok);
    }

    [Fact]
    public async Task RemediationPage_DriftAndRoles_AlertForReadersButtonsForAdminsOnly()
    {
        await using var portal = new RemediationPortal();
        var grant = await portal.WorkspaceGrantAsync("workspace_developer");
        var id = await portal.CreateTaskAsync(grant, RemediationAction.RemoveWorkspaceMember);
        await portal.RunRemediationAsync();
        await portal.SyncAsync();
        await portal.Admin.AddWorkspaceMemberAsync(grant.Entitlement.Resource.ExternalId, grant.Identity.ExternalId, "workspace_developer");
        await portal.SyncAsync();
        Assert.Equal(RemediationStatus.Drift, (await portal.TaskAsync(id)).Status);

        using (var admin = portal.CreateBrowserClient())
        {
            await portal.SignInAsAsync(admin, "admin");
            var html = await admin.GetStringAsync("/admin/remediation");
            Assert.Contains("data-testid=\"drift-alert\"", html);
            Assert.Contains("data-testid=\"remediation-status\"", html);
            Assert.Contains("data-testid=\"retry-now\"", html);
            Assert.Contains("data-testid=\"run-remediation\"", html);
        }
        using (var compliance = portal.CreateBrowserClient())
        {
            await portal.SignInAsAsync(compliance, "compliance");
            var html = await compliance.GetStringAsync("/admin/remediation");
            Assert.Contains("data-testid=\"drift-alert\"", html);
            Assert.DoesNotContain("data-testid=\"retry-now\"", html);
            Assert.DoesNotContain("data-testid=\"run-remediation\"", html);
        }
        using (var manager = portal.CreateBrowserClient())
        {
            await portal.SignInAsAsync(manager, "manager");
            using var response = await manager.GetAsync("/admin/remediation");
            var html = await response.Content.ReadAsStringAsync();
            Assert.False(response.StatusCode == HttpStatusCode.OK && html.Contains("data-testid=\"drift-alert\""));
            Assert.DoesNotContain("data-testid=\"remediation-tasks\"", html);
        }
    }
}
