using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Remediation;

/// <summary>
/// The one way the portal opens a task that takes access away, whoever asks: a campaign's close (a revoke or reduce
/// decision), the grant expiry, and the verification's archive follow-up of a deactivated key. Each caller used to build
/// its task by hand, so the rules drifted (the expiry planned no last-admin check and audited no task). Here, inside the
/// caller's unit of work: the plan (<see cref="RemediationPlanner"/>: which Admin API call, or instructions for a person),
/// the last-admin rule (<see cref="AdminsLeft"/>: a removal that would leave a resource without an admin/owner becomes a
/// manual task saying why), where the task starts (<see cref="RemediationTask.StartsAs"/>) and its "remediation.created"
/// audit entry. Nothing here calls the Admin API: <see cref="ExecuteRemediationJob"/> does, between units.
/// </summary>
public static class OpenRemovalTask
{
    /// <summary>
    /// Reads, for the caller's unit, the admin/owner grants each resource of <paramref name="entitlements"/> keeps once the
    /// removals already under way are done; only privileged entitlements matter. Read once per unit, then passed to every
    /// <see cref="Open"/> of that unit, which takes each planned removal out of it.
    /// </summary>
    public static async Task<AdminsStaying> AdminsStayingAsync(ReviewPortalDbContext db, IEnumerable<Entitlement> entitlements,
        CancellationToken cancellationToken)
    {
        var resources = entitlements.Where(e => e.IsPrivileged).Select(e => e.ResourceId).Distinct().ToList();
        return new AdminsStaying(resources.Count == 0 ? [] : await AdminsLeft.Staying(db, resources, AdminsLeft.Removals.Planned)
            .ToDictionaryAsync(a => a.GrantId, a => a.ResourceId, cancellationToken));
    }

    /// <summary>
    /// Opens the task that revokes (or reduces to <see cref="Removal.ReduceTo"/>) one grant, staged in
    /// <paramref name="db"/> with its audit entry. <paramref name="staying"/> comes from <see cref="AdminsStayingAsync"/> in
    /// the same unit.
    /// </summary>
    public static RemediationTask Open(ReviewPortalDbContext db, AuditActor actor, Removal removal, AdminsStaying staying, DateTimeOffset now)
    {
        var entitlement = removal.Entitlement;
        var (action, target, instructions) = RemediationPlanner.For(entitlement, removal.Outcome, removal.ReduceTo, removal.Holder);
        // A grant already going (or already gone) takes no further admin away, so only a staying one is guarded; once this
        // unit plans its removal, automatic or by hand, it no longer keeps the resource administered.
        if (entitlement.IsPrivileged && staying.Remove(removal.GrantId, out var resourceId) && !staying.Keeps(resourceId))
        {
            (action, instructions) = (RemediationAction.Manual,
                $"{AdminsLeft.NotRemoved(removal.Holder, entitlement.Resource.Name)} Assign another admin first, then remove this access by hand.");
        }
        var task = new RemediationTask
        {
            ReviewItemId = removal.ReviewItemId, GrantId = removal.GrantId, Action = action, TargetValue = target,
            Status = RemediationTask.StartsAs(action), Instructions = instructions, CreatedAt = now, NextAttemptAt = now,
        };
        db.RemediationTasks.Add(task);
        db.Audit(actor, "remediation.created", task, after: new { action, target, removal.Outcome, instructions, removal.Reason },
            identityId: removal.IdentityId, campaignId: removal.CampaignId);
        return task;
    }

    /// <summary>
    /// Opens the irreversible archive of a key that <paramref name="deactivate"/> made inactive, due after the grace period
    /// (<paramref name="dueAt"/>), unless one exists already. Not guarded: a key is never an admin.
    /// </summary>
    public static async Task<RemediationTask?> OpenArchiveAsync(ReviewPortalDbContext db, AuditActor actor, RemediationTask deactivate,
        DateTimeOffset dueAt, int graceDays, int identityId, int? campaignId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await db.RemediationTasks.AnyAsync(t => t.GrantId == deactivate.GrantId && t.Action == RemediationAction.ArchiveApiKey, cancellationToken))
        {
            return null;
        }
        var archive = new RemediationTask
        {
            GrantId = deactivate.GrantId, Action = RemediationAction.ArchiveApiKey, TargetValue = "archived",
            Status = RemediationTask.StartsAs(RemediationAction.ArchiveApiKey), CreatedAt = now, NextAttemptAt = dueAt,
        };
        db.RemediationTasks.Add(archive);
        db.Audit(actor, "remediation.created", archive, after: new
        {
            archive.Action, target = archive.TargetValue, followUpOf = deactivate.Id, dueAt, ArchiveGraceDays = graceDays,
        }, identityId: identityId, campaignId: campaignId);
        return archive;
    }
}

/// <summary>
/// One grant to take away: its entitlement (with its resource), its holder's name and id, the outcome (revoke or reduce,
/// to <see cref="ReduceTo"/>), and where it came from (a review item of a campaign, or <see cref="Reason"/> in words).
/// </summary>
public sealed record Removal(long GrantId, int IdentityId, string Holder, Entitlement Entitlement, DecisionOutcome Outcome)
{
    public Entitlement? ReduceTo { get; init; }
    public long? ReviewItemId { get; init; }
    public int? CampaignId { get; init; }
    /// <summary>Why, when no review item says it (the grant expiry).</summary>
    public string? Reason { get; init; }
}

/// <summary>The admin/owner grants, by grant id, each resource keeps within one unit of work; shrinks as removals are planned.</summary>
public sealed class AdminsStaying
{
    private readonly Dictionary<long, int> _staying;

    // Not public: only OpenRemovalTask.AdminsStayingAsync reads one (and the feature scan registers no service for it).
    internal AdminsStaying(Dictionary<long, int> staying) => _staying = staying;

    public bool Remove(long grantId, out int resourceId) => _staying.Remove(grantId, out resourceId);

    public bool Keeps(int resourceId) => _staying.ContainsValue(resourceId);
}
