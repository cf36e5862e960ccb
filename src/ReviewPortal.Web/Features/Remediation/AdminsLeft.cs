using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Remediation;

/// <summary>
/// The last-admin guard's count, in one place: the admin/owner grants a resource keeps once the removals already under
/// way are done. Removal tasks come from campaigns, from lifecycle micro-reviews (campaigns too) and from the grant
/// expiry, none of which sees the others' decisions; each one alone may leave an admin, together they may leave none.
/// So closing a campaign asks before it plans a removal, and the executor asks again just before it calls the Admin API
/// (which also catches tasks made without the first check: an older version, or two closes committing side by side on
/// a server database, where neither unit reads the other's tasks).
/// </summary>
public static class AdminsLeft
{
    /// <summary>Which removal tasks already count as taking their grant away.</summary>
    public enum Removals
    {
        /// <summary>
        /// Closing a campaign: every removal that goes ahead without anyone deciding again (Pending, Running, Failed with a
        /// retry scheduled), is done upstream and waits for the sync to close the grant (Succeeded), or is in a person's
        /// hands (ManualRequired: that person may remove it, so a second removal is planned as a warning, not a call).
        /// Not counted: a Failed task the executor gave up on (nothing happens until an admin retries it, and the retry
        /// is re-checked) and Verified/Drift ones (the sync closed the grant, or saw the access stay).
        /// </summary>
        Planned,

        /// <summary>
        /// The executor, about to call: removals that have run or are running (Running, Succeeded, and Failed with a retry
        /// scheduled, whose call may have landed with its answer lost). Not Pending ones: each re-checks when its turn
        /// comes, so the first to run goes ahead and the later one yields. Not ManualRequired ones: the close-time guard
        /// leaves the later of two removals to a person, and that task must not in turn stop the earlier one.
        /// </summary>
        Started,
    }

    private static readonly RemediationStatus[] PlannedStatuses =
        [RemediationStatus.Pending, RemediationStatus.Running, RemediationStatus.Succeeded, RemediationStatus.ManualRequired];

    private static readonly RemediationStatus[] StartedStatuses = [RemediationStatus.Running, RemediationStatus.Succeeded];

    /// <summary>The open admin/owner grants of <paramref name="resourceIds"/> that no removal task takes away, counted as <paramref name="removals"/> says.</summary>
    public static IQueryable<StayingAdmin> Staying(ReviewPortalDbContext db, IReadOnlyCollection<int> resourceIds, Removals removals)
    {
        // Every task action removes its grant or lowers it to a lesser, unprivileged role (ClaudeEntitlements.ReducesTo),
        // so the status alone says whether the grant is going.
        var statuses = removals == Removals.Planned ? PlannedStatuses : StartedStatuses;
        return db.Grants
            .Where(g => g.EndedAt == null && g.Entitlement.IsPrivileged && resourceIds.Contains(g.Entitlement.ResourceId)
                && !db.RemediationTasks.Any(t => t.GrantId == g.Id
                    && (statuses.Contains(t.Status) || (t.Status == RemediationStatus.Failed && t.NextAttemptAt != null))))
            .Select(g => new StayingAdmin { GrantId = g.Id, ResourceId = g.Entitlement.ResourceId });
    }

    /// <summary>Why a removal is left to a person: the first sentence of its instructions.</summary>
    public static string NotRemoved(string holder, string resource) =>
        $"Not removed automatically: {holder} is the last admin/owner of {resource}.";
}

/// <summary>An admin/owner grant a resource keeps.</summary>
public sealed class StayingAdmin
{
    public long GrantId { get; init; }
    public int ResourceId { get; init; }
}
