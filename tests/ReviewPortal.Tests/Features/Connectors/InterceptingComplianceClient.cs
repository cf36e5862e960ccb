using ReviewPortal.Claude;
using ReviewPortal.Claude.Models;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// The real Compliance client with a hook before each Activity Feed call (1-based call number), used to
/// inject a fault at an exact page, to crash between pages, or to hold a run open; records the pages it returned.
/// </summary>
public sealed class InterceptingComplianceClient(IComplianceClient inner, Func<int, Task>? beforeCall = null) : IComplianceClient
{
    private int _calls;

    public List<ActivityPage> Pages { get; } = [];

    public int Calls => Volatile.Read(ref _calls);

    public async Task<ActivityPage> ListActivitiesAsync(ActivityQuery query, CancellationToken ct = default)
    {
        var call = Interlocked.Increment(ref _calls);
        if (beforeCall is not null)
        {
            await beforeCall(call);
        }
        var page = await inner.ListActivitiesAsync(query, ct);
        lock (Pages)
        {
            Pages.Add(page);
        }
        return page;
    }

    public IAsyncEnumerable<ComplianceOrganization> ListOrganizationsAsync(CancellationToken ct = default) => inner.ListOrganizationsAsync(ct);

    public IAsyncEnumerable<ComplianceUser> ListOrganizationUsersAsync(string orgUuid, CancellationToken ct = default) =>
        inner.ListOrganizationUsersAsync(orgUuid, ct);

    public IAsyncEnumerable<ComplianceRole> ListRolesAsync(string orgUuid, CancellationToken ct = default) => inner.ListRolesAsync(orgUuid, ct);

    public IAsyncEnumerable<ComplianceGroup> ListGroupsAsync(string? namePrefix = null, CancellationToken ct = default) =>
        inner.ListGroupsAsync(namePrefix, ct);

    public IAsyncEnumerable<ComplianceGroupMember> ListGroupMembersAsync(string groupId, CancellationToken ct = default) =>
        inner.ListGroupMembersAsync(groupId, ct);
}
