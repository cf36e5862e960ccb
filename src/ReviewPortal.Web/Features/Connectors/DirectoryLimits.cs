using ReviewPortal.Claude.Models;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// Holds the directory snapshot to the key columns before the sync writes it: PostgreSQL and SQL Server refuse an
/// over-long value and would fail every sync on one odd record. A record whose key (a user, group, workspace, key or
/// organization id, a role that keys an entitlement) is longer than its column is skipped with a reason, logged and
/// counted on the run, never shortened: two long ids shortened alike would become one identity. Skipping closes no grant
/// that exists, since a key that does not fit could never have been stored. Display text is shortened instead, when the
/// model is written (<see cref="DirectoryModel.ShortenDisplayText"/>). (docs/decisions/0008-bounded-text.md)
/// </summary>
public static class DirectoryLimits
{
    private const int IdentityKey = MaxLengths.Identity.ExternalId;
    private const int ResourceKey = MaxLengths.Resource.ExternalId;
    private const int Role = MaxLengths.Entitlement.Value;
    /// <summary>The Console organization's uuid is also part of its default workspace's key.</summary>
    private static readonly int OrganizationKey = ResourceKey - SyncDirectoryJob.DefaultWorkspacePrefix.Length;

    public static DirectorySnapshot Screen(DirectorySnapshot snapshot)
    {
        var skipped = new List<string>();

        bool Fits(string what, string? value, int maxLength)
        {
            if (MaxLengths.Fits(value, maxLength))
            {
                return true;
            }
            skipped.Add($"{what} {MaxLengths.Truncate(value, 40)}: {value!.Length} characters, longer than the {maxLength} its key column holds");
            return false;
        }

        var organizations = snapshot.Organizations
            .Where(o => Fits("organization", o.Organization.Uuid, OrganizationKey))
            .Select(o => o with
            {
                Users = o.Users.Where(u => Fits("organization user", u.Id, IdentityKey))
                    .Select(u => Fits($"organization role of {u.Id}", u.OrganizationRole, Role) ? u : u with { OrganizationRole = null })
                    .ToList(),
            })
            .ToList();
        var groups = snapshot.Groups
            .Where(g => Fits("group", g.Group.Id, ResourceKey))
            .Select(g => (g.Group, (IReadOnlyList<ComplianceGroupMember>)g.Members.Where(m => Fits($"member of group {g.Group.Id}", m.UserId, IdentityKey)).ToList()))
            .ToList();
        var workspaces = snapshot.Workspaces
            .Where(w => Fits("workspace", w.Workspace.Id, ResourceKey))
            .Select(w => (w.Workspace, (IReadOnlyList<WorkspaceMember>)w.Members
                .Where(m => Fits($"member of workspace {w.Workspace.Id}", m.UserId, IdentityKey)
                    && Fits($"workspace role of {m.UserId} in {w.Workspace.Id}", m.WorkspaceRole, Role))
                .ToList()))
            .ToList();
        var keys = snapshot.ApiKeys
            // A key in a workspace that cannot be stored would otherwise land in the default workspace.
            .Where(k => Fits("API key", k.Id, IdentityKey) && Fits($"workspace of API key {k.Id}", k.WorkspaceId, ResourceKey))
            .Select(k => k.Principal is { Type: "service_account" } sa && !Fits($"service account of API key {k.Id}", sa.Id, IdentityKey)
                ? k with { Principal = null }
                : k)
            .ToList();
        var people = snapshot.Hr.People.Where(p => Fits("HR person", p.UserId, IdentityKey)).ToList();

        return new DirectorySnapshot(organizations, groups, workspaces, keys, snapshot.Hr with { People = people }) { Skipped = skipped };
    }
}
