using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Claude.Models;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// First directory sync against the simulated organization: the portal's identities and open
/// grants mirror upstream exactly, every grant opened is audited, leavers stay owners of their keys.
/// (Later syncs: DirectoryResyncTests.)
/// </summary>
public sealed class SyncDirectoryJobTests : IAsyncLifetime
{
    private readonly ConnectorPortalFactory _portal = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    internal sealed record GrantKey(string Identity, EntitlementKind Kind, string Resource, string Value);

    /// <summary>What the simulated organization says each identity holds right now (the oracle).</summary>
    internal static HashSet<GrantKey> ExpectedGrants(ConnectorPortalFactory portal)
    {
        var org = portal.Organization;
        var workspaces = org.WorkspaceList.Where(w => w.ArchivedAt is null).Select(w => w.Id).ToHashSet();
        var expected = new HashSet<GrantKey>();
        expected.UnionWith(org.People.Where(p => p.Employed)
            .Select(p => new GrantKey(p.UserId, EntitlementKind.OrgRole, org.ParentOrganizationUuid, p.EnterpriseRole)));
        expected.UnionWith(org.ConsoleMembers.Select(m => new GrantKey(m.UserId, EntitlementKind.OrgRole, org.ConsoleOrganizationUuid, m.Role)));
        expected.UnionWith(org.Groups.SelectMany(g => g.Members.Select(m => new GrantKey(m.UserId, EntitlementKind.GroupMembership, g.Group.Id, "member"))));
        expected.UnionWith(org.WorkspaceMembers.Where(m => workspaces.Contains(m.WorkspaceId))
            .Select(m => new GrantKey(m.UserId, EntitlementKind.WorkspaceRole, m.WorkspaceId, m.WorkspaceRole)));
        expected.UnionWith(org.ApiKeyList.Where(k => k.Status == ApiKeyStatus.Active).Select(k => new GrantKey(k.Id, EntitlementKind.ApiKey,
            k.WorkspaceId is { } ws && workspaces.Contains(ws) ? ws : $"default-workspace:{org.ConsoleOrganizationUuid}", "active")));
        // A service account is a member of the workspaces its active keys are in (issue #16, 6).
        expected.UnionWith(org.ApiKeyList.Where(k => k.Status == ApiKeyStatus.Active && k.Principal is { Type: "service_account" })
            .Select(k => new GrantKey(k.Principal!.Id, EntitlementKind.WorkspaceRole,
                k.WorkspaceId is { } ws && workspaces.Contains(ws) ? ws : $"default-workspace:{org.ConsoleOrganizationUuid}", "service_account_member")));
        return expected;
    }

    internal static async Task<List<(long Id, GrantKey Key, DateTimeOffset? EndedAt)>> GrantsAsync(ConnectorPortalFactory portal)
    {
        await using var db = await portal.CreateDbContextAsync();
        var rows = await db.Grants.AsNoTracking()
            .Select(g => new { g.Id, Identity = g.Identity.ExternalId, g.Entitlement.Kind, Resource = g.Entitlement.Resource.ExternalId, g.Entitlement.Value, g.EndedAt })
            .ToListAsync();
        return rows.Select(r => (r.Id, new GrantKey(r.Identity, r.Kind, r.Resource, r.Value), r.EndedAt)).ToList();
    }

    internal static void AssertOpenGrantsMatch(HashSet<GrantKey> expected, List<(long Id, GrantKey Key, DateTimeOffset? EndedAt)> grants)
    {
        var open = grants.Where(g => g.EndedAt is null).Select(g => g.Key).ToList();
        Assert.Equal(open.Count, open.Distinct().Count());
        Assert.Empty(expected.Except(open));
        Assert.Empty(open.Except(expected));
    }

    internal static (int Opened, int Closed) Counts(IngestionRun run)
    {
        using var details = JsonDocument.Parse(run.Details!);
        return (details.RootElement.GetProperty("opened").GetInt32(), details.RootElement.GetProperty("closed").GetInt32());
    }

    [Fact]
    public async Task FirstSync_EmptyPortal_GrantsMatchTheSimulatedDirectoryAndAreAudited()
    {
        var run = await _portal.SyncAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        var expected = ExpectedGrants(_portal);
        var grants = await GrantsAsync(_portal);
        AssertOpenGrantsMatch(expected, grants);
        Assert.Equal((expected.Count, 0), Counts(run));
        await using var db = await _portal.CreateDbContextAsync();
        var opened = await db.AuditEntries.Where(a => a.Action == "grant.opened").Select(a => a.TargetId).ToListAsync();
        Assert.Equal(grants.Select(g => g.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), opened.Order());
    }

    [Fact]
    public async Task FirstSync_EmptyPortal_IdentitiesAndKeyOwnersMatchTheDirectory()
    {
        await _portal.SyncAsync();

        var org = _portal.Organization;
        await using var db = await _portal.CreateDbContextAsync();
        var identities = await db.Identities.AsNoTracking().Include(i => i.Owner).ToListAsync();
        Assert.Equal(identities.Count, identities.Select(i => i.ExternalId).Distinct().Count());
        Assert.Equal(org.People.Select(p => p.UserId).Order(), identities.Where(i => i.Kind == IdentityKind.Person).Select(i => i.ExternalId).Order());
        Assert.Equal(org.ApiKeyList.Select(k => k.Id).Order(), identities.Where(i => i.Kind == IdentityKind.ApiKey).Select(i => i.ExternalId).Order());
        var byId = identities.ToDictionary(i => i.ExternalId);
        Assert.All(org.ApiKeyList, key =>
        {
            Assert.Equal(key.CreatedBy!.Id, byId[key.Id].Owner?.ExternalId);
            Assert.Equal(key.Status, byId[key.Id].Status);
        });
        Assert.All(org.People, p =>
        {
            Assert.Equal(p.FullName, byId[p.UserId].DisplayName);
            Assert.Equal(p.Department, byId[p.UserId].Department);
            Assert.Equal(p.ManagerUserId, identities.SingleOrDefault(i => i.Id == byId[p.UserId].ManagerId)?.ExternalId);
        });
    }

    [Fact]
    public async Task DepartedPerson_IsDepartedAndStillOwnsTheKeysTheyCreated()
    {
        await _portal.SyncAsync();

        var org = _portal.Organization;
        var leavers = org.People.Where(p => !p.Employed).ToList();
        var leaverKeys = org.ApiKeyList.Where(k => leavers.Any(p => p.UserId == k.CreatedBy?.Id)).ToList();
        Assert.NotEmpty(leaverKeys);
        await using var db = await _portal.CreateDbContextAsync();
        foreach (var leaver in leavers)
        {
            var person = await db.Identities.AsNoTracking().SingleAsync(i => i.ExternalId == leaver.UserId);
            Assert.Equal(EmploymentStatus.Departed, person.EmploymentStatus);
            Assert.Equal(leaver.DepartedAt, person.DepartedAt);
            Assert.Equal("removed", person.Status);
        }
        foreach (var key in leaverKeys)
        {
            var identity = await db.Identities.AsNoTracking().Include(i => i.Owner).SingleAsync(i => i.ExternalId == key.Id);
            Assert.Equal(key.CreatedBy!.Id, identity.Owner!.ExternalId);
            Assert.Equal(EmploymentStatus.Departed, identity.Owner.EmploymentStatus);
        }
    }
}
