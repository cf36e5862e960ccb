using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReviewPortal.Claude;
using ReviewPortal.Claude.Models;
using ReviewPortal.Claude.Simulation;

namespace ReviewPortal.Tests.Claude;

/// <summary>The real clients and pipeline against the real <see cref="SimulatedClaudeHandler"/> (Simulated mode via DI).</summary>
public class SimulatedApiTests
{
    private static (ServiceProvider Services, FakeTimeProvider Time) Simulated(int seed = 5, int people = 120, Dictionary<string, string?>? extra = null)
    {
        var time = new FakeTimeProvider(SimulatedOrganizationTests.Start);
        var settings = new Dictionary<string, string?>
        {
            ["Claude:Mode"] = "Simulated",
            ["Claude:ComplianceKey"] = null,
            ["Claude:AdminKey"] = null,
            ["Claude:Simulation:Seed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Claude:Simulation:People"] = people.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Claude:Simulation:HistoryDays"] = "20",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return (ClaudeTestHost.Build(settings: settings, time: time), time);
    }

    private static IComplianceClient Compliance(ServiceProvider services) => services.GetRequiredService<IComplianceClient>();

    private static IAdminClient Admin(ServiceProvider services) => services.GetRequiredService<IAdminClient>();

    [Fact]
    public async Task Activities_PagingWithAfterId_ReturnsEveryVisibleEventExactlyOnce()
    {
        var (services, _) = Simulated();
        using var _s = services;
        var organization = services.GetRequiredService<SimulatedOrganization>();
        var expected = organization.Events.Where(e => e.CreatedAt <= SimulatedOrganizationTests.Start.AddMinutes(-1)).Select(e => e.Id).ToHashSet();

        var seen = new List<string>();
        var query = new ActivityQuery { Limit = 1000 };
        DateTimeOffset? previous = null;
        while (true)
        {
            var page = await Compliance(services).ListActivitiesAsync(query);
            Assert.NotNull(page.RequestId);
            foreach (var activity in page.Data)
            {
                // Default order is newest first.
                Assert.True(previous is null || activity.CreatedAt <= previous);
                previous = activity.CreatedAt;
                seen.Add(activity.Id);
            }

            if (!page.HasMore)
            {
                break;
            }

            query = query with { AfterId = page.LastId };
        }

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.True(expected.SetEquals(seen));
    }

    [Fact]
    public async Task Activities_BeforeId_ReturnsTheAdjacentNewerPage()
    {
        var (services, _) = Simulated();
        using var _s = services;
        var newest = await Compliance(services).ListActivitiesAsync(new ActivityQuery { Limit = 50 });
        var older = await Compliance(services).ListActivitiesAsync(new ActivityQuery { Limit = 50, AfterId = newest.LastId });

        var back = await Compliance(services).ListActivitiesAsync(new ActivityQuery { Limit = 50, BeforeId = older.FirstId });
        var top = await Compliance(services).ListActivitiesAsync(new ActivityQuery { Limit = 50, BeforeId = newest.FirstId });

        Assert.Equal(newest.Data.Select(a => a.Id), back.Data.Select(a => a.Id));
        Assert.True(back.HasMore is false);
        Assert.Empty(top.Data);
        Assert.Null(top.FirstId);
        Assert.True(older.Data[0].CreatedAt <= newest.Data[^1].CreatedAt);
    }

    [Fact]
    public async Task Activities_AscendingWithFilters_HonoursTypesActorsAndWindow()
    {
        var (services, _) = Simulated();
        using var _s = services;
        var organization = services.GetRequiredService<SimulatedOrganization>();
        var busy = organization.People.First(p => p.Profile == "busy" && p.Employed);
        var from = SimulatedOrganizationTests.Start.AddDays(-10);

        var page = await Compliance(services).ListActivitiesAsync(new ActivityQuery
        {
            ActivityTypes = ["claude_chat_created"],
            ActorIds = [busy.UserId],
            CreatedAtGte = from,
            Order = ActivityOrder.Asc,
            Limit = 5000,
        });

        Assert.NotEmpty(page.Data);
        Assert.All(page.Data, a => Assert.Equal(("claude_chat_created", busy.UserId), (a.Type, a.Actor.UserId)));
        Assert.All(page.Data, a => Assert.True(a.CreatedAt >= from));
        Assert.Equal(page.Data.OrderBy(a => a.CreatedAt).Select(a => a.Id), page.Data.Select(a => a.Id));

        var excluded = await Compliance(services).ListActivitiesAsync(new ActivityQuery { ExcludeActivityTypes = ["claude_chat_created", "sso_login_succeeded"], Limit = 500 });
        Assert.DoesNotContain(excluded.Data, a => a.Type is "claude_chat_created" or "sso_login_succeeded");
    }

    [Fact]
    public async Task Activities_LimitOutOfRange_Returns400WithDocumentedMessage()
    {
        var organization = new SimulatedOrganization(new SimulationOptions { People = 30, HistoryDays = 3 }, new FakeTimeProvider(SimulatedOrganizationTests.Start));
        using var http = new HttpClient(new SimulatedClaudeHandler(organization)) { BaseAddress = new Uri("https://sim.invalid") };
        http.DefaultRequestHeaders.Add("x-api-key", "k");

        var response = await http.GetAsync("/v1/compliance/activities?limit=5001");
        var body = await response.Content.ReadAsStringAsync();
        var unauthenticated = await new HttpClient(new SimulatedClaudeHandler(organization)).GetAsync("https://sim.invalid/v1/compliance/activities");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = ClaudeApiException.FromResponse(response.StatusCode, body, null);
        Assert.Equal("invalid_request_error", error.ErrorType);
        Assert.Equal("The limit parameter must be between 1 and 5000, inclusive. Got 5001.", error.ApiMessage);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.True(response.Headers.Contains("anthropic-ratelimit-requests-remaining"));
    }

    [Fact]
    public async Task Activities_UnknownCursorOrBareDate_Returns400()
    {
        var (services, _) = Simulated();
        using var _s = services;

        var badCursor = await Assert.ThrowsAsync<ClaudeApiException>(() => Compliance(services).ListActivitiesAsync(new ActivityQuery { AfterId = "activity_nope" }));

        Assert.Equal(("invalid_request_error", HttpStatusCode.BadRequest), (badCursor.ErrorType, badCursor.StatusCode));
        Assert.Contains("No activity found for `after_id` \"activity_nope\"", badCursor.ApiMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Activities_SameSeed_SameFirstPage()
    {
        var (a, _) = Simulated(seed: 9);
        var (b, _) = Simulated(seed: 9);
        using var _a = a;
        using var _b = b;

        var pageA = await Compliance(a).ListActivitiesAsync(new ActivityQuery { Limit = 200 });
        var pageB = await Compliance(b).ListActivitiesAsync(new ActivityQuery { Limit = 200 });

        Assert.Equal(pageA.Data.Select(x => x.RawJson), pageB.Data.Select(x => x.RawJson));
    }

    [Fact]
    public async Task Activities_NewEvents_VisibleOnlyAfterOneMinute()
    {
        var (services, time) = Simulated(extra: new() { ["Claude:Simulation:TrickleEventsPerMinute"] = "0" });
        using var _s = services;
        var organization = services.GetRequiredService<SimulatedOrganization>();
        var now = time.GetUtcNow();
        organization.AddEvents([$$$"""{"id":"activity_test_fresh","created_at":"{{{ClaudeJson.FormatTimestamp(now)}}}","type":"claude_chat_created","actor":{"type":"user_actor","user_id":"user_x"}}"""]);

        var before = await Compliance(services).ListActivitiesAsync(new ActivityQuery { Limit = 5 });
        time.Advance(TimeSpan.FromSeconds(61));
        var after = await Compliance(services).ListActivitiesAsync(new ActivityQuery { Limit = 5 });

        Assert.DoesNotContain(before.Data, a => a.Id == "activity_test_fresh");
        Assert.Equal("activity_test_fresh", after.Data[0].Id);
    }

    [Fact]
    public async Task Directory_ListsFollowPageTokens()
    {
        var (services, _) = Simulated(extra: new() { ["Claude:DirectoryPageSize"] = "7" });
        using var _s = services;
        var organization = services.GetRequiredService<SimulatedOrganization>();

        var orgs = await Compliance(services).ListOrganizationsAsync().ToListAsync();
        var users = await Compliance(services).ListOrganizationUsersAsync(organization.ParentOrganizationUuid).ToListAsync();
        var consoleUsers = await Compliance(services).ListOrganizationUsersAsync(organization.ConsoleOrganizationUuid).ToListAsync();
        var roles = await Compliance(services).ListRolesAsync(organization.ParentOrganizationUuid).ToListAsync();
        var groups = await Compliance(services).ListGroupsAsync().ToListAsync();
        var engineering = await Compliance(services).ListGroupsAsync("dept-eng").ToListAsync();
        var members = await Compliance(services).ListGroupMembersAsync(engineering.Single().Id).ToListAsync();

        Assert.Equal([organization.ParentOrganizationUuid, organization.ConsoleOrganizationUuid], orgs.Select(o => o.Uuid));
        Assert.Equal(organization.People.Count(p => p.Employed), users.Count);
        Assert.Equal(users.Count, users.Select(u => u.Id).Distinct().Count());
        Assert.Contains(users, u => u.OrganizationRole == "primary_owner");
        Assert.Contains(consoleUsers, u => u.OrganizationRole == "admin");
        Assert.Contains(consoleUsers, u => u.OrganizationRole == "developer");
        Assert.Equal(3, roles.Count);
        Assert.Equal(9, groups.Count);
        Assert.All(groups, g => Assert.StartsWith("rbac_group_", g.Id, StringComparison.Ordinal));
        Assert.Equal(organization.People.Count(p => p.Employed && p.Department == "Engineering"), members.Count);
        await Assert.ThrowsAsync<ClaudeApiException>(() => Compliance(services).ListGroupMembersAsync("rbac_group_missing").ToListAsync().AsTask());
    }

    [Fact]
    public async Task AdminLists_ReturnUsersWorkspacesMembersAndKeys()
    {
        var (services, _) = Simulated(extra: new() { ["Claude:AdminPageSize"] = "5" });
        using var _s = services;
        var organization = services.GetRequiredService<SimulatedOrganization>();

        var users = await Admin(services).ListUsersAsync().ToListAsync();
        var workspaces = await Admin(services).ListWorkspacesAsync().ToListAsync();
        var members = await Admin(services).ListWorkspaceMembersAsync(workspaces[0].Id).ToListAsync();
        var keys = await Admin(services).ListApiKeysAsync().ToListAsync();
        var active = await Admin(services).ListApiKeysAsync(new ApiKeyFilter(Status: ApiKeyStatus.Active)).ToListAsync();
        var byUser = await Admin(services).ListApiKeysAsync(new ApiKeyFilter(CreatedByUserId: keys[0].CreatedBy!.Id)).ToListAsync();
        var oneUser = await Admin(services).ListUsersAsync(users[3].Email.ToUpperInvariant()).ToListAsync();

        Assert.Equal(organization.ConsoleMembers.Count, users.Count);
        Assert.Equal(users.Count, users.Select(u => u.Id).Distinct().Count());
        Assert.Equal(4, workspaces.Count);
        Assert.All(members, m => Assert.Equal(workspaces[0].Id, m.WorkspaceId));
        Assert.Equal(40 + organization.MessagesOnlyKeys.Count, keys.Count);
        Assert.All(keys, k => Assert.StartsWith("apikey_", k.Id, StringComparison.Ordinal));
        Assert.All(active, k => Assert.Equal(ApiKeyStatus.Active, k.Status));
        Assert.All(byUser, k => Assert.Equal(keys[0].CreatedBy!.Id, k.CreatedBy!.Id));
        Assert.Contains(keys, k => k.Principal?.Type == "service_account");
        Assert.Equal(users[3].Id, Assert.Single(oneUser).Id);
    }

    [Fact]
    public async Task AdminMutations_ChangeLaterListsAndEmitFeedEvents()
    {
        var (services, time) = Simulated(extra: new() { ["Claude:Simulation:TrickleEventsPerMinute"] = "0" });
        using var _s = services;
        var admin = Admin(services);
        var key = (await admin.ListApiKeysAsync(new ApiKeyFilter(Status: ApiKeyStatus.Active)).ToListAsync())[0];
        var workspace = (await admin.ListWorkspacesAsync().ToListAsync()).First(w => w.Name == "staging");
        var users = await admin.ListUsersAsync().ToListAsync();
        var member = (await admin.ListWorkspaceMembersAsync(workspace.Id).ToListAsync()).First(m => users.Single(u => u.Id == m.UserId).Role != "admin");
        var outsider = users.First(u => u.Role == "user");
        var developer = users.First(u => u.Role == "developer");

        var updatedKey = await admin.UpdateApiKeyStatusAsync(key.Id, ApiKeyStatus.Inactive);
        await admin.RemoveWorkspaceMemberAsync(workspace.Id, member.UserId);
        var added = await admin.AddWorkspaceMemberAsync(workspace.Id, outsider.Id, "workspace_user");
        var reduced = await admin.UpdateWorkspaceMemberRoleAsync(workspace.Id, outsider.Id, "workspace_restricted_developer");
        var demoted = await admin.UpdateUserRoleAsync(developer.Id, "user");
        await admin.DeleteUserAsync(outsider.Id);

        Assert.Equal(ApiKeyStatus.Inactive, updatedKey.Status);
        Assert.Equal(("workspace_user", "workspace_restricted_developer", "user"), (added.WorkspaceRole, reduced.WorkspaceRole, demoted.Role));
        Assert.Equal(ApiKeyStatus.Inactive, (await admin.ListApiKeysAsync().ToListAsync()).Single(k => k.Id == key.Id).Status);
        var membersNow = await admin.ListWorkspaceMembersAsync(workspace.Id).ToListAsync();
        Assert.DoesNotContain(membersNow, m => m.UserId == member.UserId || m.UserId == outsider.Id);
        var usersNow = await admin.ListUsersAsync().ToListAsync();
        Assert.DoesNotContain(usersNow, u => u.Id == outsider.Id);
        Assert.Equal("user", usersNow.Single(u => u.Id == developer.Id).Role);

        time.Advance(TimeSpan.FromMinutes(2));
        var feed = await Compliance(services).ListActivitiesAsync(new ActivityQuery { CreatedAtGte = SimulatedOrganizationTests.Start, Order = ActivityOrder.Asc });
        string[] expected =
        [
            "platform_api_key_updated", "platform_workspace_member_removed", "platform_workspace_member_added",
            "platform_workspace_member_updated", "claude_user_role_updated", "org_user_deleted", "claude_user_role_updated",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), feed.Data.Select(a => a.Type).Order(StringComparer.Ordinal));
        var keyUpdate = feed.Data.Single(a => a.Type == "platform_api_key_updated");
        Assert.Equal(key.Id, keyUpdate.GetString("api_key_id"));
        var update = keyUpdate.Root.GetProperty("updates")[0];
        Assert.Equal(("status", "active", "inactive"), (update.GetProperty("type").GetString(), update.GetProperty("previous_value").GetString(), update.GetProperty("current_value").GetString()));
        Assert.All(feed.Data, a => Assert.Equal("admin_api_key_actor", a.Actor.Type));
        Assert.Contains(feed.Data, a => a.Type == "claude_user_role_updated" && a.GetString("user_id") == outsider.Id && a.Root.GetProperty("current_role").ValueKind == System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public async Task AdminMutations_DocumentedRefusals_Return400()
    {
        var (services, _) = Simulated();
        using var _s = services;
        var admin = Admin(services);
        var users = await admin.ListUsersAsync().ToListAsync();
        var orgAdmin = users.First(u => u.Role == "admin");
        var plain = users.First(u => u.Role == "user");

        var deleteAdmin = await Assert.ThrowsAsync<ClaudeApiException>(() => admin.DeleteUserAsync(orgAdmin.Id));
        var assignAdmin = await Assert.ThrowsAsync<ClaudeApiException>(() => admin.UpdateUserRoleAsync(plain.Id, "admin"));
        var missing = await Assert.ThrowsAsync<ClaudeApiException>(() => admin.DeleteUserAsync("user_does_not_exist"));

        Assert.Equal(("invalid_request_error", HttpStatusCode.BadRequest), (deleteAdmin.ErrorType, deleteAdmin.StatusCode));
        Assert.Equal("invalid_request_error", assignAdmin.ErrorType);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains((await admin.ListUsersAsync().ToListAsync()), u => u.Id == orgAdmin.Id && u.Role == "admin");
    }
}
