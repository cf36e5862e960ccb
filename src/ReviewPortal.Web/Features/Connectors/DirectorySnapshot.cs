using ReviewPortal.Claude;
using ReviewPortal.Claude.Models;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// Everything the directory sync reads upstream, fetched completely before anything is written,
/// so a failure halfway through a listing changes nothing in the portal.
/// </summary>
public sealed record DirectorySnapshot(
    IReadOnlyList<OrganizationSnapshot> Organizations,
    IReadOnlyList<(ComplianceGroup Group, IReadOnlyList<ComplianceGroupMember> Members)> Groups,
    IReadOnlyList<(Workspace Workspace, IReadOnlyList<WorkspaceMember> Members)> Workspaces,
    IReadOnlyList<ApiKey> ApiKeys,
    HrSnapshot Hr)
{
    /// <summary>Upstream records left out because a key of theirs does not fit its column (<see cref="DirectoryLimits"/>), with why.</summary>
    public IReadOnlyList<string> Skipped { get; init; } = [];

    public static async Task<DirectorySnapshot> ReadAsync(IComplianceClient compliance, IAdminClient admin, IHrDirectory hr,
        CancellationToken cancellationToken)
    {
        var organizations = new List<OrganizationSnapshot>();
        await foreach (var org in compliance.ListOrganizationsAsync(cancellationToken))
        {
            var users = await ToListAsync(compliance.ListOrganizationUsersAsync(org.Uuid, cancellationToken));
            organizations.Add(new OrganizationSnapshot(org, users));
        }
        var groups = new List<(ComplianceGroup, IReadOnlyList<ComplianceGroupMember>)>();
        await foreach (var group in compliance.ListGroupsAsync(ct: cancellationToken))
        {
            groups.Add((group, await ToListAsync(compliance.ListGroupMembersAsync(group.Id, cancellationToken))));
        }
        var workspaces = new List<(Workspace, IReadOnlyList<WorkspaceMember>)>();
        await foreach (var workspace in admin.ListWorkspacesAsync(includeArchived: false, cancellationToken))
        {
            workspaces.Add((workspace, await ToListAsync(admin.ListWorkspaceMembersAsync(workspace.Id, cancellationToken))));
        }
        var keys = await ToListAsync(admin.ListApiKeysAsync(null, cancellationToken));
        return new DirectorySnapshot(organizations, groups, workspaces, keys, await hr.ReadAsync(cancellationToken));
    }

    private static async Task<IReadOnlyList<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }
        return list;
    }
}

public sealed record OrganizationSnapshot(ComplianceOrganization Organization, IReadOnlyList<ComplianceUser> Users)
{
    private static readonly HashSet<string> ConsoleOnlyRoles = ["developer", "billing", "claude_code_user", "admin"];

    /// <summary>The org list does not say which product an org is; its documented role sets do.</summary>
    public bool IsConsole => Users.Any(u => u.OrganizationRole is { } role && ConsoleOnlyRoles.Contains(role));
}
