using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Remediation;

/// <summary>
/// Closed-loop verification, run after each successful directory sync: the sync is the independent witness of what
/// upstream really holds. A Succeeded task whose access is gone (no open grant for the same identity and entitlement;
/// for a reduce the higher role is gone) becomes Verified; access still there becomes Drift. A Verified task whose
/// access comes back becomes Drift, and a Drift task whose access is gone again becomes Verified. Only tasks completed
/// before the sync started reading upstream are judged, so a call made during the sync is never mistaken for drift.
/// A state scan, not an event consumer: a skipped run is caught up by the next one.
/// </summary>
public sealed class VerifyRemediation(
    IDbContextFactory<ReviewPortalDbContext> contexts,
    RemediationOptions options,
    TimeProvider time,
    ILogger<VerifyRemediation> logger)
{
    public const string ActorName = "verify-remediation";

    public async Task<VerificationResult> RunAsync(DateTimeOffset syncStartedAt, string correlationId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var actor = AuditActor.System(ActorName, now, correlationId);
        var result = await contexts.WriteAsync((db, ct) => JudgeAsync(db, syncStartedAt, actor, now, ct), cancellationToken);
        if (result.Verified + result.Drift > 0)
        {
            logger.LogInformation("Remediation verification: {Verified} verified, {Drift} drift, {FollowUps} archive follow-ups",
                result.Verified, result.Drift, result.ArchiveFollowUps);
            if (result.Drift > 0)
            {
                logger.LogWarning("Remediation drift: {Drift} removed accesses are back or still present upstream", result.Drift);
            }
        }
        return result;
    }

    private async Task<VerificationResult> JudgeAsync(ReviewPortalDbContext db, DateTimeOffset syncStartedAt, AuditActor actor,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var candidates = await db.RemediationTasks
            .Where(t => (t.Status == RemediationStatus.Succeeded && t.CompletedAt <= syncStartedAt)
                || t.Status == RemediationStatus.Verified || t.Status == RemediationStatus.Drift)
            .Select(t => new
            {
                Task = t,
                t.Grant.IdentityId,
                t.Grant.Identity.ExternalId,
                KeyStatus = t.Grant.Identity.Status,
                StillThere = db.Grants.Any(g => g.EndedAt == null && g.IdentityId == t.Grant.IdentityId && g.EntitlementId == t.Grant.EntitlementId),
                HoldsTarget = t.TargetValue != null && db.Grants.Any(g => g.EndedAt == null && g.IdentityId == t.Grant.IdentityId
                    && g.Entitlement.ResourceId == t.Grant.Entitlement.ResourceId && g.Entitlement.Kind == t.Grant.Entitlement.Kind
                    && g.Entitlement.Value == t.TargetValue),
                CampaignId = db.ReviewItems.Where(i => i.Id == t.ReviewItemId).Select(i => (int?)i.CampaignId).FirstOrDefault(),
            })
            // Verified tasks are only interesting when their access is back.
            .Where(c => c.Task.Status != RemediationStatus.Verified || c.StillThere)
            .ToListAsync(cancellationToken);

        int verified = 0, drift = 0, followUps = 0;
        foreach (var c in candidates)
        {
            var task = c.Task;
            var gone = !c.StillThere && (task.Action != RemediationAction.ArchiveApiKey || c.KeyStatus == "archived");
            var previous = task.Status;
            var next = gone ? RemediationStatus.Verified : RemediationStatus.Drift;
            if (next == previous)
            {
                continue;
            }
            // VerifiedAt is when the sync last judged the task; the identity timeline shows Drift at that time too.
            task.Judge(gone, now);
            if (next == RemediationStatus.Verified)
            {
                db.Audit(actor, "remediation.verified", task, before: new { status = previous }, after: new
                {
                    task.Action, target = task.TargetValue, syncStartedAt,
                    result = task.TargetValue is null ? "access absent upstream"
                        : c.HoldsTarget ? $"holder now has {task.TargetValue}" : "higher role absent upstream (the holder has no role there now)",
                    driftResolved = previous == RemediationStatus.Drift,
                }, identityId: c.IdentityId, campaignId: c.CampaignId);
                verified++;
                if (task.Action == RemediationAction.DeactivateApiKey && await ScheduleArchiveAsync(db, task, c.IdentityId, c.CampaignId, actor, now, cancellationToken))
                {
                    followUps++;
                }
            }
            else
            {
                db.Audit(actor, "remediation.drift", task, before: new { status = previous }, after: new
                {
                    task.Action, target = task.TargetValue, syncStartedAt, identity = c.ExternalId,
                    reason = previous == RemediationStatus.Verified ? "access came back after it was verified gone"
                        : task.Action == RemediationAction.ArchiveApiKey && !c.StillThere ? $"key status is {c.KeyStatus}, not archived"
                        : "access still present upstream after the change was made",
                }, identityId: c.IdentityId, campaignId: c.CampaignId);
                drift++;
            }
        }
        return new VerificationResult(verified, drift, followUps);
    }

    /// <summary>
    /// Created on verification, not on success: only a key the directory shows inactive is scheduled for the
    /// irreversible archive, and the grace period runs from when that was proven.
    /// </summary>
    private async Task<bool> ScheduleArchiveAsync(ReviewPortalDbContext db, RemediationTask deactivate, int identityId, int? campaignId,
        AuditActor actor, DateTimeOffset now, CancellationToken cancellationToken) =>
        await OpenRemovalTask.OpenArchiveAsync(db, actor, deactivate, now.AddDays(options.ArchiveGraceDays), options.ArchiveGraceDays,
            identityId, campaignId, now, cancellationToken) is not null;
}

public sealed record VerificationResult(int Verified, int Drift, int ArchiveFollowUps);
