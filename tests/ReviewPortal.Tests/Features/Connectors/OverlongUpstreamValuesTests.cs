using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Claude;
using ReviewPortal.Claude.Models;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// Upstream text longer than the column it would land in. SQLite stores it anyway; PostgreSQL and SQL Server refuse it
/// and fail the whole save, so one odd value used to fail a feed page on every run, or every directory sync. A feed
/// record whose identifiers do not fit is quarantined (never stored shortened) and the rest of its page is stored; a
/// directory record keeps syncing with its display text shortened, or is skipped and counted when its key does not fit.
/// </summary>
public sealed class OverlongUpstreamValuesTests : IAsyncLifetime
{
    private readonly ConnectorPortalFactory _portal = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private static string Event(string id, DateTimeOffset at, string actor, string type = "claude_chat_created") => $$"""
        {"id":"{{id}}","created_at":"{{ClaudeJson.FormatTimestamp(at)}}","organization_id":null,"organization_uuid":null,"actor":{{actor}},"type":"{{type}}"}
        """;

    private async Task<List<QuarantinedRecord>> QuarantinedAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        return await db.QuarantinedRecords.AsNoTracking().OrderBy(q => q.Id).ToListAsync();
    }

    [Fact]
    public async Task Ingest_FederatedActorWithOverlongSubject_QuarantinedWhileItsPageIsStoredAndTheCursorMoves()
    {
        var history = await _portal.ServedActivitiesAsync();
        // On the second page of the backfill, far from the overlap window the reconciliation re-reads.
        var at = history[ConnectorPortalFactory.PageSize + 10].CreatedAt;
        var subject = "repo:northwind/deploy:ref:refs/heads/" + new string('x', 400 - "repo:northwind/deploy:ref:refs/heads/".Length);
        const string id = "activity_01FederatedOverlongSubject";
        _portal.Organization.AddEvents([Event(id, at, $$"""
            {"type":"federated_identity_actor","issuer":"https://token.actions.githubusercontent.com","subject":"{{subject}}","audience":["https://api.anthropic.com"]}
            """, "platform_file_uploaded")]);
        var served = await _portal.ServedActivitiesAsync();
        Assert.Contains(served, a => a.Id == id);

        var run = await _portal.IngestAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        Assert.Equal(1, run.Quarantined);
        Assert.Equal(served.Count - 1, run.Stored);
        await IngestActivityJobTests.AssertStoredExactlyOnceAsync(_portal, served.Where(a => a.Id != id).ToList());
        Assert.Equal(served[^1].Id, await _portal.CursorAsync());
        var quarantined = Assert.Single(await QuarantinedAsync());
        Assert.Equal(run.Id, quarantined.IngestionRunId);
        Assert.Contains("actor id", quarantined.Reason, StringComparison.Ordinal);
        Assert.Contains(subject, quarantined.RawJson, StringComparison.Ordinal);
        await using var db = await _portal.CreateDbContextAsync();
        Assert.False(await db.Identities.AnyAsync(i => i.ExternalId.StartsWith("fed:")), "no placeholder with a shortened key");
    }

    [Fact]
    public async Task Ingest_LastRecordWithIdLongerThanTheCursorColumn_QuarantinedAndTheCursorStaysOnTheLastStoredId()
    {
        var history = await _portal.ServedActivitiesAsync();
        var last = history[^1];
        // Same time as the newest record and an id that sorts after it: the feed's (and its last page's) final record.
        var id = "activity_zz" + new string('z', MaxLengths.IngestionCursor.Cursor);
        _portal.Organization.AddEvents([Event(id, last.CreatedAt, """{"type":"system_actor","service":"indexer"}""")]);
        var served = await _portal.ServedActivitiesAsync();
        Assert.Equal(id, served[^1].Id);

        var run = await _portal.IngestAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        Assert.Equal(last.Id, await _portal.CursorAsync());
        Assert.Equal(last.Id, run.LastCursor);
        await IngestActivityJobTests.AssertStoredExactlyOnceAsync(_portal, history);
        // Quarantined by the catch-up, and again by the overlap re-poll when the record is recent enough to be in it.
        var quarantined = await QuarantinedAsync();
        Assert.Equal(1 + _portal.InOverlapWindow([served[^1]]).Count, quarantined.Count);
        Assert.All(quarantined, q => Assert.Contains("activity id", q.Reason, StringComparison.Ordinal));
        Assert.Equal(quarantined.Count, run.Quarantined);
    }

    [Fact]
    public async Task Sync_PersonWithOverlongNameDepartmentAndTitle_SyncsWithThemShortened()
    {
        var person = _portal.Organization.People.First(p => p.Employed);
        var name = "Maximiliana " + new string('n', 400);
        var department = "Department of " + new string('d', 150);
        var title = "Principal " + new string('t', 200);
        var compliance = new EditedDirectoryClient(_portal.Compliance)
        {
            Users = (_, users) => users.Select(u => u.Id == person.UserId ? u with { FullName = name } : u),
        };
        var hr = new EditedHrDirectory(_portal.GetRequiredService<IHrDirectory>(),
            p => p.UserId == person.UserId ? p with { FullName = name, Department = department, Title = title } : p);

        var run = await _portal.SyncJobWith(compliance, hr).RunAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        Assert.Equal(0, run.Quarantined);
        await using var db = await _portal.CreateDbContextAsync();
        var identity = await db.Identities.AsNoTracking().SingleAsync(i => i.ExternalId == person.UserId);
        Assert.Equal(name[..(MaxLengths.Identity.DisplayName - 1)] + "…", identity.DisplayName);
        Assert.Equal(department[..(MaxLengths.Identity.Department - 1)] + "…", identity.Department);
        Assert.Equal(title[..(MaxLengths.Identity.Title - 1)] + "…", identity.Title);
        Assert.Equal(person.Email, identity.Email);
        SyncDirectoryJobTests.AssertOpenGrantsMatch(SyncDirectoryJobTests.ExpectedGrants(_portal), await SyncDirectoryJobTests.GrantsAsync(_portal));

        // Unchanged upstream, the next sync finds the shortened values equal and changes nothing.
        var again = await _portal.SyncJobWith(compliance, hr).RunAsync();

        Assert.Equal((0, 0), SyncDirectoryJobTests.Counts(again));
        Assert.Equal(identity.DisplayName, (await db.Identities.AsNoTracking().SingleAsync(i => i.ExternalId == person.UserId)).DisplayName);
    }

    [Fact]
    public async Task Sync_GroupWithOverlongName_ResourceAndEntitlementNamesShortened()
    {
        var group = _portal.Organization.Groups[0].Group;
        var name = "Incident responders for " + new string('g', 400);
        var compliance = new EditedDirectoryClient(_portal.Compliance) { Group = g => g.Id == group.Id ? g with { Name = name } : g };

        var run = await _portal.SyncJobWith(compliance).RunAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        await using var db = await _portal.CreateDbContextAsync();
        var resource = await db.Resources.AsNoTracking().Include(r => r.Entitlements).SingleAsync(r => r.ExternalId == group.Id);
        Assert.Equal(MaxLengths.Truncate(name, MaxLengths.Resource.Name), resource.Name);
        var membership = Assert.Single(resource.Entitlements);
        Assert.Equal(MaxLengths.Entitlement.DisplayName, membership.DisplayName.Length);
        Assert.EndsWith("…", membership.DisplayName, StringComparison.Ordinal);
        SyncDirectoryJobTests.AssertOpenGrantsMatch(SyncDirectoryJobTests.ExpectedGrants(_portal), await SyncDirectoryJobTests.GrantsAsync(_portal));
    }

    [Fact]
    public async Task Sync_AdminApiWorkspaceAndKeyWithOverlongText_ShortenedAndAnOverlongRoleSkipped()
    {
        var org = _portal.Organization;
        var workspace = org.WorkspaceList.First(w => w.ArchivedAt is null);
        var member = org.WorkspaceMembers.First(m => m.WorkspaceId == workspace.Id);
        var key = org.ApiKeyList.First(k => k.Status == ApiKeyStatus.Active);
        var workspaceName = "analytics-" + new string('w', 400);
        var keyName = "nightly-export-" + new string('k', 400);
        var hint = "sk-ant-api03-" + new string('h', 100);
        var role = "workspace_" + new string('r', MaxLengths.Entitlement.Value);
        var admin = new EditedAdminClient(_portal.Admin)
        {
            Workspace = w => w.Id == workspace.Id ? w with { Name = workspaceName } : w,
            Members = (id, members) => id == workspace.Id ? members.Append(member with { WorkspaceRole = role }) : members,
            Key = k => k.Id == key.Id ? k with { Name = keyName, PartialKeyHint = hint } : k,
        };

        var run = await _portal.SyncJobWith(admin: admin).RunAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        Assert.Equal(1, run.Quarantined); // the membership with the over-long role
        Assert.Contains("workspace role", run.Details, StringComparison.Ordinal);
        await using var db = await _portal.CreateDbContextAsync();
        var resource = await db.Resources.AsNoTracking().Include(r => r.Entitlements).SingleAsync(r => r.ExternalId == workspace.Id);
        Assert.Equal(MaxLengths.Truncate(workspaceName, MaxLengths.Resource.Name), resource.Name);
        Assert.All(resource.Entitlements, e => Assert.True(MaxLengths.Fits(e.DisplayName, MaxLengths.Entitlement.DisplayName)));
        Assert.DoesNotContain(resource.Entitlements, e => e.Value == role);
        var identity = await db.Identities.AsNoTracking().SingleAsync(i => i.ExternalId == key.Id);
        Assert.Equal(MaxLengths.Truncate(keyName, MaxLengths.Identity.DisplayName), identity.DisplayName);
        Assert.Equal(MaxLengths.Truncate(hint, MaxLengths.Identity.KeyHint), identity.KeyHint);
        SyncDirectoryJobTests.AssertOpenGrantsMatch(SyncDirectoryJobTests.ExpectedGrants(_portal), await SyncDirectoryJobTests.GrantsAsync(_portal));
    }

    [Fact]
    public async Task Sync_UserIdLongerThanTheIdentityKey_SkippedAndCountedWhileTheRestSyncs()
    {
        var org = _portal.Organization;
        var group = org.Groups[0].Group.Id;
        var longId = "user_" + new string('L', MaxLengths.Identity.ExternalId);
        var compliance = new EditedDirectoryClient(_portal.Compliance)
        {
            Users = (uuid, users) => uuid == org.ParentOrganizationUuid
                ? users.Append(new ComplianceUser { Id = longId, Email = "long.id@northwind.example", FullName = "Long Id", OrganizationRole = "user" })
                : users,
            Members = (groupId, members) => groupId == group ? members.Append(new ComplianceGroupMember { UserId = longId }) : members,
        };

        var run = await _portal.SyncJobWith(compliance).RunAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        Assert.Equal(2, run.Quarantined); // the organization member and the group member
        Assert.Contains($"{longId.Length} characters", run.Details, StringComparison.Ordinal);
        SyncDirectoryJobTests.AssertOpenGrantsMatch(SyncDirectoryJobTests.ExpectedGrants(_portal), await SyncDirectoryJobTests.GrantsAsync(_portal));
        await using var db = await _portal.CreateDbContextAsync();
        Assert.False(await db.Identities.AnyAsync(i => i.ExternalId.StartsWith("user_LLLL")), "no identity with a shortened key");
    }
}

/// <summary>The real Admin API client with its workspace and API key listings edited.</summary>
internal sealed class EditedAdminClient(IAdminClient inner) : IAdminClient
{
    public Func<Workspace, Workspace> Workspace { get; init; } = w => w;

    /// <summary>Workspace id and its real members → the members served.</summary>
    public Func<string, IEnumerable<WorkspaceMember>, IEnumerable<WorkspaceMember>> Members { get; init; } = (_, members) => members;

    public Func<ApiKey, ApiKey> Key { get; init; } = k => k;

    public IAsyncEnumerable<AdminUser> ListUsersAsync(string? email = null, CancellationToken ct = default) => inner.ListUsersAsync(email, ct);

    public async IAsyncEnumerable<Workspace> ListWorkspacesAsync(bool includeArchived = false, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var workspace in inner.ListWorkspacesAsync(includeArchived, ct))
        {
            yield return Workspace(workspace);
        }
    }

    public async IAsyncEnumerable<WorkspaceMember> ListWorkspaceMembersAsync(string workspaceId, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var members = new List<WorkspaceMember>();
        await foreach (var member in inner.ListWorkspaceMembersAsync(workspaceId, ct))
        {
            members.Add(member);
        }
        foreach (var member in Members(workspaceId, members))
        {
            yield return member;
        }
    }

    public async IAsyncEnumerable<ApiKey> ListApiKeysAsync(ApiKeyFilter? filter = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var key in inner.ListApiKeysAsync(filter, ct))
        {
            yield return Key(key);
        }
    }

    public Task DeleteUserAsync(string userId, CancellationToken ct = default) => inner.DeleteUserAsync(userId, ct);

    public Task<AdminUser> UpdateUserRoleAsync(string userId, string role, CancellationToken ct = default) => inner.UpdateUserRoleAsync(userId, role, ct);

    public Task<WorkspaceMember> AddWorkspaceMemberAsync(string workspaceId, string userId, string workspaceRole, CancellationToken ct = default) =>
        inner.AddWorkspaceMemberAsync(workspaceId, userId, workspaceRole, ct);

    public Task<WorkspaceMember> UpdateWorkspaceMemberRoleAsync(string workspaceId, string userId, string workspaceRole, CancellationToken ct = default) =>
        inner.UpdateWorkspaceMemberRoleAsync(workspaceId, userId, workspaceRole, ct);

    public Task RemoveWorkspaceMemberAsync(string workspaceId, string userId, CancellationToken ct = default) =>
        inner.RemoveWorkspaceMemberAsync(workspaceId, userId, ct);

    public Task<ApiKey> UpdateApiKeyStatusAsync(string apiKeyId, string status, CancellationToken ct = default) =>
        inner.UpdateApiKeyStatusAsync(apiKeyId, status, ct);
}

/// <summary>The real Compliance client with its directory listings edited, the way an odd upstream would send them.</summary>
internal sealed class EditedDirectoryClient(IComplianceClient inner) : IComplianceClient
{
    /// <summary>Organization uuid and its real users → the users served.</summary>
    public Func<string, IEnumerable<ComplianceUser>, IEnumerable<ComplianceUser>> Users { get; init; } = (_, users) => users;

    public Func<ComplianceGroup, ComplianceGroup> Group { get; init; } = g => g;

    /// <summary>Group id and its real members → the members served.</summary>
    public Func<string, IEnumerable<ComplianceGroupMember>, IEnumerable<ComplianceGroupMember>> Members { get; init; } = (_, members) => members;

    public Task<ActivityPage> ListActivitiesAsync(ActivityQuery query, CancellationToken ct = default) => inner.ListActivitiesAsync(query, ct);

    public IAsyncEnumerable<ComplianceOrganization> ListOrganizationsAsync(CancellationToken ct = default) => inner.ListOrganizationsAsync(ct);

    public async IAsyncEnumerable<ComplianceUser> ListOrganizationUsersAsync(string orgUuid, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var user in Users(orgUuid, await ToListAsync(inner.ListOrganizationUsersAsync(orgUuid, ct))))
        {
            yield return user;
        }
    }

    public IAsyncEnumerable<ComplianceRole> ListRolesAsync(string orgUuid, CancellationToken ct = default) => inner.ListRolesAsync(orgUuid, ct);

    public async IAsyncEnumerable<ComplianceGroup> ListGroupsAsync(string? namePrefix = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var group in inner.ListGroupsAsync(namePrefix, ct))
        {
            yield return Group(group);
        }
    }

    public async IAsyncEnumerable<ComplianceGroupMember> ListGroupMembersAsync(string groupId, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var member in Members(groupId, await ToListAsync(inner.ListGroupMembersAsync(groupId, ct))))
        {
            yield return member;
        }
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }
        return list;
    }
}

/// <summary>The demo HR directory with people edited.</summary>
internal sealed class EditedHrDirectory(IHrDirectory inner, Func<HrPerson, HrPerson> edit) : IHrDirectory
{
    public async Task<HrSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var snapshot = await inner.ReadAsync(cancellationToken);
        return snapshot with { People = snapshot.People.Select(edit).ToList() };
    }
}
