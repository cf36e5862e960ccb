using System.Text.Json;
using ReviewPortal.Claude.Simulation;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Tests.Features.Remediation;

/// <summary>
/// The job against the simulated Claude organization through the real <c>IAdminClient</c>: the documented call per
/// action, the organization really changing, refusals, transient failures with backoff, and idempotent re-runs.
/// </summary>
public class ExecuteRemediationJobTests
{
    [Fact]
    public async Task ExecuteRemediation_RemoveWorkspaceMember_DeletesMemberAndSucceeds()
    {
        await using var portal = new RemediationPortal();
        var grant = await portal.WorkspaceGrantAsync("workspace_developer");
        var id = await portal.CreateTaskAsync(grant, RemediationAction.RemoveWorkspaceMember);
        portal.ClearCalls();

        var run = await portal.RunRemediationAsync();

        var ws = grant.Entitlement.Resource.ExternalId;
        var user = grant.Identity.ExternalId;
        var call = Assert.Single(portal.Mutations);
        Assert.Equal(new WireCall("DELETE", $"/v1/organizations/workspaces/{ws}/members/{user}", null, 200), call);
        Assert.DoesNotContain(await portal.ListAsync(portal.Admin.ListWorkspaceMembersAsync(ws)), m => m.UserId == user);
        Assert.Equal(1, run.Succeeded);
        var task = await portal.TaskAsync(id);
        Assert.Equal(RemediationStatus.Succeeded, task.Status);
        Assert.Equal(portal.Time.GetUtcNow(), task.CompletedAt);
        Assert.Null(task.NextAttemptAt);
        Assert.Single(await portal.AuditAsync(id, "remediation.succeeded"));
    }

    [Fact]
    public async Task ExecuteRemediation_ChangeWorkspaceRole_PostsWorkspaceRoleAndRoleChanges()
    {
        await using var portal = new RemediationPortal();
        var grant = await portal.WorkspaceGrantAsync("workspace_developer");
        var id = await portal.CreateTaskAsync(grant, RemediationAction.ChangeWorkspaceRole, "workspace_user");
        portal.ClearCalls();

        await portal.RunRemediationAsync();

        var ws = grant.Entitlement.Resource.ExternalId;
        var user = grant.Identity.ExternalId;
        var call = Assert.Single(portal.Mutations);
        Assert.Equal(("POST", $"/v1/organizations/workspaces/{ws}/members/{user}", 200), (call.Method, call.Path, call.Status));
        AssertJson(new Dictionary<string, string> { ["workspace_role"] = "workspace_user" }, call.Body);
        var member = Assert.Single(await portal.ListAsync(portal.Admin.ListWorkspaceMembersAsync(ws)), m => m.UserId == user);
        Assert.Equal("workspace_user", member.WorkspaceRole);
        Assert.Equal(RemediationStatus.Succeeded, (await portal.TaskAsync(id)).Status);
    }

    [Fact]
    public async Task ExecuteRemediation_RemoveOrgUserAndChangeOrgRole_CallUsersEndpoint()
    {
        await using var portal = new RemediationPortal();
        var removed = await portal.ConsoleRoleGrantAsync("developer");
        var reduced = await portal.ConsoleRoleGrantAsync("developer", skip: 1);
        var removeId = await portal.CreateTaskAsync(removed, RemediationAction.RemoveOrgUser);
        var reduceId = await portal.CreateTaskAsync(reduced, RemediationAction.ChangeOrgRole, "user");
        portal.ClearCalls();

        await portal.RunRemediationAsync();

        var calls = portal.Mutations;
        Assert.Equal(2, calls.Count);
        Assert.Equal(new WireCall("DELETE", $"/v1/organizations/users/{removed.Identity.ExternalId}", null, 200), calls[0]);
        Assert.Equal(("POST", $"/v1/organizations/users/{reduced.Identity.ExternalId}", 200), (calls[1].Method, calls[1].Path, calls[1].Status));
        AssertJson(new Dictionary<string, string> { ["role"] = "user" }, calls[1].Body);
        var users = await portal.ListAsync(portal.Admin.ListUsersAsync());
        Assert.DoesNotContain(users, u => u.Id == removed.Identity.ExternalId);
        Assert.Equal("user", Assert.Single(users, u => u.Id == reduced.Identity.ExternalId).Role);
        Assert.Equal(RemediationStatus.Succeeded, (await portal.TaskAsync(removeId)).Status);
        Assert.Equal(RemediationStatus.Succeeded, (await portal.TaskAsync(reduceId)).Status);
    }

    [Fact]
    public async Task ExecuteRemediation_DeactivateApiKey_PostsStatusInactive()
    {
        await using var portal = new RemediationPortal();
        var grant = await portal.ActiveKeyGrantAsync();
        var id = await portal.CreateTaskAsync(grant, RemediationAction.DeactivateApiKey, "inactive");
        portal.ClearCalls();

        await portal.RunRemediationAsync();

        var call = Assert.Single(portal.Mutations);
        Assert.Equal(("POST", $"/v1/organizations/api_keys/{grant.Identity.ExternalId}", 200), (call.Method, call.Path, call.Status));
        AssertJson(new Dictionary<string, string> { ["status"] = "inactive" }, call.Body);
        var key = Assert.Single(await portal.ListAsync(portal.Admin.ListApiKeysAsync()), k => k.Id == grant.Identity.ExternalId);
        Assert.Equal("inactive", key.Status);
        Assert.Equal(RemediationStatus.Succeeded, (await portal.TaskAsync(id)).Status);
    }

    [Fact]
    public async Task ExecuteRemediation_ConsoleAdminRemoval_BecomesManualQuotingTheApi()
    {
        await using var portal = new RemediationPortal();
        var admin = await portal.ConsoleRoleGrantAsync("admin");
        var id = await portal.CreateTaskAsync(admin, RemediationAction.RemoveOrgUser);
        portal.ClearCalls();

        await portal.RunRemediationAsync();

        var call = Assert.Single(portal.Mutations);
        Assert.Equal(("DELETE", 400), (call.Method, call.Status));
        var task = await portal.TaskAsync(id);
        Assert.Equal(RemediationStatus.ManualRequired, task.Status);
        Assert.Null(task.NextAttemptAt);
        Assert.Contains("\"Organization members with the admin role cannot be removed through the API.\"", task.Instructions);
        Assert.Contains(admin.Identity.DisplayName, task.Instructions);
        Assert.Contains(await portal.ListAsync(portal.Admin.ListUsersAsync()), u => u.Id == admin.Identity.ExternalId);
        Assert.Single(await portal.AuditAsync(id, "remediation.manual-required"));

        // A manual task is never picked up again.
        portal.ClearCalls();
        portal.Time.Advance(TimeSpan.FromHours(1));
        await portal.RunRemediationAsync();
        Assert.Empty(portal.Mutations);
    }

    [Fact]
    public async Task ExecuteRemediation_EnterpriseOrgRole_NeverCallsTheConsoleAdminKey()
    {
        await using var portal = new RemediationPortal();
        var enterprise = await portal.GrantAsync(q => q.Where(g => g.Entitlement.Kind == EntitlementKind.OrgRole
            && g.Entitlement.Resource.Platform == Platform.ClaudeEnterprise && g.Entitlement.Value == "user"));
        var id = await portal.CreateTaskAsync(enterprise, RemediationAction.RemoveOrgUser);
        portal.ClearCalls();

        await portal.RunRemediationAsync();

        Assert.Empty(portal.Mutations);
        var task = await portal.TaskAsync(id);
        Assert.Equal(RemediationStatus.ManualRequired, task.Status);
        Assert.Contains("Console organization only", task.Instructions);
    }

    [Fact]
    public async Task ExecuteRemediation_RateLimitedThenLater_FailsWithBackoffThenSucceedsOnce()
    {
        await using var portal = new RemediationPortal();
        var grant = await portal.WorkspaceGrantAsync("workspace_developer");
        var id = await portal.CreateTaskAsync(grant, RemediationAction.RemoveWorkspaceMember);
        portal.Faults.Enqueue(SimulatedFault.TooManyRequests("30") with { PathPrefix = "/v1/organizations/workspaces" });
        portal.ClearCalls();
        var start = portal.Time.GetUtcNow();

        await portal.RunRemediationAsync();

        var failed = await portal.TaskAsync(id);
        Assert.Equal(RemediationStatus.Failed, failed.Status);
        Assert.Equal(1, failed.Attempts);
        Assert.Equal(start.AddMinutes(1), failed.NextAttemptAt);
        Assert.StartsWith("429 rate_limit_error", failed.LastError);
        Assert.Equal(429, Assert.Single(portal.Mutations).Status);

        // Not due yet: nothing is called.
        portal.Time.Advance(TimeSpan.FromSeconds(30));
        await portal.RunRemediationAsync();
        Assert.Single(portal.Mutations);

        portal.Time.Advance(TimeSpan.FromSeconds(30));
        await portal.RunRemediationAsync();
        var done = await portal.TaskAsync(id);
        Assert.Equal(RemediationStatus.Succeeded, done.Status);
        Assert.Equal(2, done.Attempts);
        Assert.Equal([429, 200], portal.Mutations.Select(c => c.Status));
        Assert.Single(await portal.AuditAsync(id, "remediation.succeeded"));
        Assert.Single(await portal.AuditAsync(id, "remediation.failed"));

        // Re-runs after success call nothing and audit nothing.
        var requests = portal.Faults.RequestCount;
        var audits = (await portal.AuditAsync(id)).Count;
        portal.Time.Advance(TimeSpan.FromMinutes(10));
        await portal.RunRemediationAsync();
        await portal.RunRemediationAsync();
        Assert.Equal(requests, portal.Faults.RequestCount);
        Assert.Equal(audits, (await portal.AuditAsync(id)).Count);
    }

    [Fact]
    public async Task ExecuteRemediation_ServerErrorsUntilMaxAttempts_BacksOffExponentiallyThenGivesUp()
    {
        await using var portal = new RemediationPortal(maxAttempts: 3);
        var grant = await portal.ActiveKeyGrantAsync();
        var id = await portal.CreateTaskAsync(grant, RemediationAction.DeactivateApiKey, "inactive");
        portal.Faults.Enqueue(Enumerable.Range(0, 3).Select(_ => SimulatedFault.ServiceUnavailable() with { PathPrefix = "/v1/organizations/api_keys" }).ToArray());
        portal.ClearCalls();

        var backoffs = new List<TimeSpan?>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var before = portal.Time.GetUtcNow();
            await portal.RunRemediationAsync();
            var task = await portal.TaskAsync(id);
            Assert.Equal(RemediationStatus.Failed, task.Status);
            Assert.Equal(attempt, task.Attempts);
            backoffs.Add(task.NextAttemptAt - before);
            if (task.NextAttemptAt is { } next)
            {
                portal.Time.Advance(next - before);
            }
        }

        Assert.Equal([TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), null], backoffs);
        Assert.Single(await portal.AuditAsync(id, "remediation.gave-up"));
        Assert.Equal(2, (await portal.AuditAsync(id, "remediation.failed")).Count);
        Assert.StartsWith("503", (await portal.TaskAsync(id)).LastError);

        // Given up: no more calls until an admin retries.
        portal.Time.Advance(TimeSpan.FromDays(1));
        await portal.RunRemediationAsync();
        Assert.Equal(3, portal.Mutations.Count);
        var key = Assert.Single(await portal.ListAsync(portal.Admin.ListApiKeysAsync()), k => k.Id == grant.Identity.ExternalId);
        Assert.Equal("active", key.Status);
    }

    [Fact]
    public async Task ExecuteRemediation_AccessAlreadyGoneUpstream_404CountsAsDone()
    {
        await using var portal = new RemediationPortal();
        var grant = await portal.WorkspaceGrantAsync("workspace_developer");
        var id = await portal.CreateTaskAsync(grant, RemediationAction.RemoveWorkspaceMember);
        await portal.Admin.RemoveWorkspaceMemberAsync(grant.Entitlement.Resource.ExternalId, grant.Identity.ExternalId);
        portal.ClearCalls();

        await portal.RunRemediationAsync();

        Assert.Equal(404, Assert.Single(portal.Mutations).Status);
        var task = await portal.TaskAsync(id);
        Assert.Equal(RemediationStatus.Succeeded, task.Status);
        var audit = Assert.Single(await portal.AuditAsync(id, "remediation.succeeded"));
        Assert.Contains("\"alreadyGone\":true", audit.After);
    }

    private static void AssertJson(Dictionary<string, string> expected, string? body) =>
        Assert.Equal(expected, JsonSerializer.Deserialize<Dictionary<string, string>>(body!));
}
