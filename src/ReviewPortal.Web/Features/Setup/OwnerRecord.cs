using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Setup;

/// <summary>
/// Moving the portal's owner record of a key, service account or agent, one way whoever moves it (an admin on the owners
/// page, a reviewer from a review item): the new owner must be an employed person; the choice is marked as made in the
/// portal, so the directory sync (which would otherwise put the key's creator back) keeps it; the owner version moves on,
/// so a transfer decided on an older version is refused; the change is audited before → after on the identity's
/// timeline. The caller checks who may move it and which version they saw, and saves.
/// </summary>
internal static class OwnerRecord
{
    /// <summary>The people the move names (the new owner, the current one), or why the new owner cannot own it (on the
    /// <c>NewOwnerId</c> field).</summary>
    public static async Task<Result<IReadOnlyDictionary<int, Identity>>> PeopleAsync(ReviewPortalDbContext db, Identity nhi, int? newOwnerId,
        CancellationToken cancellationToken)
    {
        var people = await AssignablePeople.LoadAsync(db, [newOwnerId, nhi.OwnerId], cancellationToken);
        return AssignablePeople.Problem(people, newOwnerId, "owner") is { } problem
            ? ValidationRefusal.OnField("NewOwnerId", problem)
            : people;
    }

    /// <param name="people">From <see cref="PeopleAsync"/>.</param>
    /// <param name="chosenBy">Who chose, in words, for the audit entry ("an admin", "the reviewer, from a review item").</param>
    /// <param name="context">More for the audit entry (the review item), or null.</param>
    /// <returns>"Name now owns key (API key)".</returns>
    public static string Move(ReviewPortalDbContext db, Identity nhi, IReadOnlyDictionary<int, Identity> people, int? newOwnerId,
        AuditActor actor, string chosenBy, string? reason, IReadOnlyDictionary<string, object?>? context, int? campaignId)
    {
        var before = new Dictionary<string, object?>
        {
            ["Owner"] = AssignablePeople.Name(people, nhi.OwnerId),
            ["Chosen by"] = nhi.OwnerAssignedAt is null ? "the directory" : "a person in the portal",
            ["ownerId"] = nhi.OwnerId,
        };
        nhi.OwnerId = newOwnerId;
        nhi.OwnerAssignedAt = actor.At;
        nhi.OwnerAssignedById = actor.IdentityId;
        nhi.OwnerVersion++;
        reason = reason?.Trim();
        var after = new Dictionary<string, object?>
        {
            ["Owner"] = AssignablePeople.Name(people, nhi.OwnerId),
            ["Chosen by"] = chosenBy,
            ["Reason"] = string.IsNullOrEmpty(reason) ? null : reason,
        };
        foreach (var (key, value) in context ?? new Dictionary<string, object?>())
        {
            after[key] = value;
        }
        after["ownerId"] = nhi.OwnerId;
        db.Audit(actor, SetupWords.IdentityOwnerChanged, nhi, before, after, identityId: nhi.Id, campaignId: campaignId);
        return $"{AssignablePeople.Name(people, nhi.OwnerId)} now owns {nhi.DisplayName} ({Humanize.Kind(nhi.Kind)})";
    }
}
