using System.Text.RegularExpressions;
using ReviewPortal.Claude;
using ReviewPortal.Claude.Models;
using ReviewPortal.Tests.Infrastructure;

namespace ReviewPortal.Tests.Claude;

/// <summary>
/// The users endpoints need <c>read:compliance_user_data</c>, a scope that would also let a key read people's chats and
/// files. The portal promises never to: every method of the three clients is called here against the HTTP fake, and every
/// path that reaches it must be one of the directory, activity, Admin API and usage report paths, never a chat, file or project one.
/// </summary>
public sealed class ClaudeEndpointsTests : IAsyncLifetime
{
    private FakeApiPortalFactory _portal = null!;

    private static readonly Regex Allowed = new(
        "^/v1/(compliance/(activities|organizations(/[^/]+/(users|roles))?|groups(/[^/]+/members)?)|organizations/(users(/[^/]+)?|workspaces(/[^/]+/members(/[^/]+)?)?|api_keys(/[^/]+)?|analytics/usage|usage_report/(messages|claude_code)))$");

    /// <summary>The usage report's path is named for Messages usage; it returns counts, never a message.</summary>
    private const string UsageReportPath = "/v1/organizations/usage_report/messages";

    public async Task InitializeAsync() => _portal = await FakeApiPortalFactory.StartAsync();

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private static async Task DrainAsync<T>(IAsyncEnumerable<T> items)
    {
        await foreach (var _ in items)
        {
        }
    }

    private static async Task IgnoreRefusalAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (ClaudeApiException)
        {
            // The fake refuses some writes to things it does not hold; only the path they went to matters here.
        }
    }

    [Fact]
    public async Task EveryClientMethod_CallsOnlyDirectoryActivityAndAdminPaths()
    {
        var compliance = _portal.GetRequiredService<IComplianceClient>();
        var admin = _portal.GetRequiredService<IAdminClient>();
        var usage = _portal.GetRequiredService<IUsageClient>();
        var day = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
        Func<Task>[] calls =
        [
            () => compliance.ListActivitiesAsync(new ActivityQuery { Limit = 10 }),
            () => DrainAsync(compliance.ListOrganizationsAsync()),
            () => DrainAsync(compliance.ListOrganizationUsersAsync("org-1")),
            () => DrainAsync(compliance.ListRolesAsync("org-1")),
            () => DrainAsync(compliance.ListGroupsAsync("eng")),
            () => DrainAsync(compliance.ListGroupMembersAsync("rbac_group_1")),
            () => DrainAsync(admin.ListUsersAsync("ann@northwind.example")),
            () => DrainAsync(admin.ListWorkspacesAsync(includeArchived: true)),
            () => DrainAsync(admin.ListWorkspaceMembersAsync("wrkspc_1")),
            () => DrainAsync(admin.ListApiKeysAsync(new ApiKeyFilter(Status: "active"))),
            () => admin.DeleteUserAsync("user_1"),
            () => admin.UpdateUserRoleAsync("user_1", "user"),
            () => admin.AddWorkspaceMemberAsync("wrkspc_1", "user_1", "workspace_user"),
            () => admin.UpdateWorkspaceMemberRoleAsync("wrkspc_1", "user_1", "workspace_developer"),
            () => admin.RemoveWorkspaceMemberAsync("wrkspc_1", "user_1"),
            () => admin.UpdateApiKeyStatusAsync("apikey_1", "inactive"),
            () => usage.GetAnalyticsUsageAsync(new UsageQuery(day, day.AddDays(1), ["api_key_id"], 10)),
            () => usage.GetUsageReportAsync(new UsageQuery(day, day.AddDays(1), ["api_key_id"], 1)),
            () => usage.GetClaudeCodeAsync(DateOnly.FromDateTime(day.UtcDateTime), 10, null),
        ];
        // A method added to either client without a line above fails here, so it cannot skip the check.
        Assert.Equal(typeof(IComplianceClient).GetMethods().Length + typeof(IAdminClient).GetMethods().Length + typeof(IUsageClient).GetMethods().Length,
            calls.Length);

        foreach (var call in calls)
        {
            await IgnoreRefusalAsync(call);
        }

        var paths = _portal.Api.Requests.Select(r => r.Path).Distinct().ToList();
        Assert.Equal(calls.Length, _portal.Api.Requests.Count);
        Assert.All(paths, path => Assert.Matches(Allowed, path));
        Assert.Contains(UsageReportPath, paths);
        Assert.DoesNotContain(paths.Where(path => path != UsageReportPath), path => Regex.IsMatch(path, "chat|file|project|conversation|message", RegexOptions.IgnoreCase));
    }
}
