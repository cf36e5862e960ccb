using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Claude;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>"Test connection" in Live mode against the HTTP fake of the Claude APIs: every API the portal uses, per key.</summary>
public sealed class TestClaudeConnectionTests : IAsyncLifetime
{
    private FakeApiPortalFactory _portal = null!;
    private static readonly Viewer Admin = new(null, "Ada Admin", new HashSet<string> { Roles.Admin });

    public async Task InitializeAsync()
    {
        _portal = await FakeApiPortalFactory.StartAsync();
        var directory = _portal.Api.Directory;
        directory.Organizations.Add(("org-uuid-1", "Northwind"));
        directory.Users["org-uuid-1"] = [("user_ann", "ann@northwind.example", "Ann", "admin")];
        directory.Workspaces.Add(("wrkspc_1", "Research"));
        _portal.Api.Members[("wrkspc_1", "user_ann")] = "workspace_admin";
        directory.ApiKeys.Add(("apikey_1", "ci", "user_ann", "wrkspc_1"));
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private Task<Result<TestClaudeConnection.Report>> TestAsync(Viewer viewer, string correlationId = "corr-test") =>
        _portal.GetRequiredService<TestClaudeConnection>().HandleAsync(viewer, correlationId);

    [Fact]
    public async Task EveryApiAnswers_EachCallWorksWithItsKeyHintAndTheTestIsAudited()
    {
        var report = (await TestAsync(Admin)).Value!;

        Assert.True(report.AllOk, string.Join("; ", report.Checks.Where(c => !c.Ok).Select(c => $"{c.Call}: {c.Outcome}")));
        Assert.Equal(["List organizations", "List an organization's users", "List groups", "Read the Activity Feed", "List workspaces",
            "List a workspace's members", "List API keys", "List organization users"], report.Checks.Select(c => c.Call));
        Assert.DoesNotContain("secret", report.ComplianceKeyHint + report.AdminKeyHint);
        Assert.Empty(_portal.Api.Mutations);
        await using var db = await _portal.CreateDbContextAsync();
        Assert.Equal("connector.connection-tested", (await db.AuditEntries.SingleAsync(a => a.CorrelationId == "corr-test")).Action);
    }

    [Fact]
    public async Task ComplianceKeyWithoutTheUserDataScope_ThatCallFailsWithStatusTypeAndRequestId_OthersWork()
    {
        _portal.Api.Enqueue("/v1/compliance/organizations/org-uuid-1/users",
            FakeFault.Status(403, "permission_error", "This key does not have the read:compliance_user_data scope."));

        var report = (await TestAsync(Admin)).Value!;

        var users = Assert.Single(report.Checks, c => !c.Ok);
        Assert.Equal(("Compliance", "List an organization's users"), (users.Key, users.Call));
        Assert.Equal("403 permission_error: This key does not have the read:compliance_user_data scope.", users.Outcome);
        Assert.StartsWith("req_fake", users.RequestId);
    }

    [Fact]
    public async Task NotAnAdmin_NothingCalled()
    {
        Assert.Equal(RefusalKind.Forbidden, (await TestAsync(new Viewer(null, "Cora", new HashSet<string> { Roles.Compliance }))).Refusal?.Kind);
        Assert.Empty(_portal.Api.Requests);
    }
}
