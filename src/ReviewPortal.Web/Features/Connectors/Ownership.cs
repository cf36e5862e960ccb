using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// What the directory sync may do to owners. Upstream (a key's creator, its user principal, the HR sponsor, the first
/// employed workspace admin) is a hint: it is always recorded as the suggestion, and it becomes the owner only while no
/// person has chosen one in the portal. An admin's choice (and a lifecycle micro-review's keep) survives every sync.
/// </summary>
internal static class Ownership
{
    /// <returns>Whether the owner changed.</returns>
    /// <remarks>By id: the directory sync holds identities untracked, their navigations unset.</remarks>
    public static bool FromUpstream(Identity nhi, Identity upstreamOwner)
    {
        nhi.UpstreamOwnerId = upstreamOwner.Id;
        if (nhi.OwnerAssignedAt is not null || nhi.OwnerId == upstreamOwner.Id)
        {
            return false;
        }
        nhi.OwnerId = upstreamOwner.Id;
        // A new owner is a new version: an admin's transfer decided on the old owner is refused, not silently applied.
        nhi.OwnerVersion++;
        return true;
    }

    /// <summary>An owner as the audit entry's words (the setup screens' history shows them).</summary>
    public static Dictionary<string, object?> Words(Identity? owner, string chosenBy) => new()
    {
        ["Owner"] = owner?.DisplayName ?? "nobody",
        ["Chosen by"] = chosenBy,
        ["ownerId"] = owner?.Id,
    };

    /// <returns>Whether the suggestion became the owner (a resource nobody owned, whose owners no admin has chosen).</returns>
    public static bool Suggest(Resource resource, Identity? suggested)
    {
        resource.SuggestedOwnerId = suggested?.Id;
        if (resource.OwnerAssignedAt is not null || resource.OwnerId is not null || suggested is null)
        {
            return false;
        }
        resource.OwnerId = suggested.Id;
        resource.OwnerVersion++;
        return true;
    }
}
