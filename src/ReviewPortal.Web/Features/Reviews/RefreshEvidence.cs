using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Reviews;

/// <summary>
/// "Refresh evidence" on an item: the evidence is built again as of now and stored as a new snapshot beside the launch
/// one (both kept, both hashed), and the refresh is audited (who, when, which item, the new hash). From then on the
/// drawer shows the refreshed snapshot, and a decision records its hash. Whoever may read the item may refresh it, while
/// its campaign is open.
/// </summary>
public sealed class RefreshEvidence(IDbContextFactory<ReviewPortalDbContext> contexts, EvidenceRefresher refresher, TimeProvider time)
{
    public async Task<Result<RefreshedEvidence>> HandleAsync(Viewer viewer, long itemId, string correlationId,
        CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var item = await db.ReviewItems.AsNoTracking().Where(i => i.Id == itemId)
            .Select(i => new { i.Id, i.ReviewerId, i.IdentityId, i.GrantId, i.CampaignId, i.Campaign.Status, i.Campaign.Definition, i.EvidenceJson })
            .FirstOrDefaultAsync(cancellationToken);
        if (item is null)
        {
            return Refusal.NotFound("No such review item.");
        }
        if (!GetReviewItem.MayRead(viewer, item.ReviewerId))
        {
            return Refusal.Forbidden("That item is not assigned to you.");
        }
        if (item.Status != CampaignStatus.Active)
        {
            return Refusal.Conflict("This campaign is closed: its evidence stays as it was when it closed.");
        }
        // Built outside any unit: the usage re-read is an HTTP call, and the ledger is held only for the insert below.
        var evidence = await refresher.BuildAsync(item.GrantId, item.Definition, item.EvidenceJson, cancellationToken);
        if (evidence is null)
        {
            return Refusal.Conflict("This access is no longer held, so there is no evidence to refresh. The launch evidence stays.");
        }
        var (json, hash) = evidence.ToJsonAndHash();
        var now = time.GetUtcNow();
        var snapshot = new EvidenceSnapshot
        {
            ReviewItemId = item.Id, TakenAt = now, TakenById = viewer.IdentityId, Reason = EvidenceSnapshotReason.Refresh,
            EvidenceJson = json, Hash = hash,
        };
        db.EvidenceSnapshots.Add(snapshot);
        db.Audit(new AuditActor(viewer.IdentityId, viewer.Name, now, correlationId), "review.evidence-refreshed", snapshot,
            after: new { itemId = item.Id, snapshot.Hash, snapshot.TakenAt, evidenceAsOf = evidence.AsOf }, identityId: item.IdentityId,
            campaignId: item.CampaignId);
        await db.SaveChangesAsync(cancellationToken);
        return new RefreshedEvidence(snapshot.Id, snapshot.Hash, now);
    }
}

/// <summary>The snapshot a refresh stored.</summary>
public sealed record RefreshedEvidence(long SnapshotId, string Hash, DateTimeOffset TakenAt);

/// <summary>The evidence snapshot an item shows now: its latest refresh, or the launch one on the item.</summary>
public static class CurrentEvidence
{
    public static Task<EvidenceSnapshot?> LatestRefreshAsync(ReviewPortalDbContext db, long itemId, CancellationToken cancellationToken) =>
        db.EvidenceSnapshots.AsNoTracking().Where(s => s.ReviewItemId == itemId).OrderByDescending(s => s.Id).FirstOrDefaultAsync(cancellationToken);

    /// <summary>The hash a decision on this item must have been shown: the latest refresh's, else the launch one's.</summary>
    public static async Task<string> HashAsync(ReviewPortalDbContext db, ReviewItem item, CancellationToken cancellationToken) =>
        await db.EvidenceSnapshots.AsNoTracking().Where(s => s.ReviewItemId == item.Id).OrderByDescending(s => s.Id)
            .Select(s => s.Hash).FirstOrDefaultAsync(cancellationToken) ?? item.EvidenceHash;

    /// <summary>The latest refresh's hash for each of these items that has one (one query for a bulk decision).</summary>
    public static async Task<Dictionary<long, string>> RefreshedHashesAsync(ReviewPortalDbContext db, IReadOnlyCollection<long> itemIds,
        CancellationToken cancellationToken) =>
        await db.EvidenceSnapshots.AsNoTracking()
            .Where(s => itemIds.Contains(s.ReviewItemId) && !db.EvidenceSnapshots.Any(n => n.ReviewItemId == s.ReviewItemId && n.Id > s.Id))
            .ToDictionaryAsync(s => s.ReviewItemId, s => s.Hash, cancellationToken);
}
