using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Reviews;

/// <summary>
/// One item's full evidence for the detail panel: the snapshot on screen exactly as hashed (the latest refresh, else the
/// launch one; after a refresh the launch figures beside it), and on request the live evidence computed now (not stored).
/// Readable by its reviewer, Admin and Compliance. The view carries the digest of what the drawer renders
/// (<see cref="ShownDigest"/>), which a decision records.
/// </summary>
public sealed class GetReviewItem(IDbContextFactory<ReviewPortalDbContext> contexts, EvidenceRefresher refresher)
{
    /// <summary>Resource-based: the reviewer of this item, or someone who reads everything (shared with <see cref="RefreshEvidence"/>).</summary>
    public static bool MayRead(Viewer viewer, int reviewerId) => reviewerId == viewer.IdentityId || viewer.CanReadEverything;

    public async Task<Result<ReviewItemView>> HandleAsync(Viewer viewer, long itemId, bool withLiveEvidence = false, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var item = await db.ReviewItems.AsNoTracking().Where(i => i.Id == itemId)
            .Select(i => new
            {
                i.Id, i.CampaignId, Campaign = i.Campaign.Name, CampaignOpen = i.Campaign.Status == CampaignStatus.Active, i.ReviewerId,
                i.IdentityId, Identity = i.Identity.DisplayName, i.Identity.Kind, i.Identity.OwnerId, IdentityEmail = i.Identity.Email,
                IdentityDepartment = i.Identity.Department, Entitlement = i.Entitlement.DisplayName,
                i.Entitlement.IsPrivileged, ReducesTo = i.Entitlement.ReducesTo != null ? i.Entitlement.ReducesTo.DisplayName : null,
                Resource = i.Entitlement.Resource.Name, i.Stage, i.Recommendation, i.RecommendationReason, i.EvidenceJson, i.EvidenceHash,
                i.EvidenceAsOf, i.Outcome, i.Justification, i.DecidedAt, i.Version, i.GrantId, i.Campaign.Definition,
                Remediation = db.RemediationTasks.Where(t => t.ReviewItemId == i.Id).Select(t => (RemediationStatus?)t.Status).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (item is null)
        {
            return Refusal.NotFound("No such review item.");
        }
        if (!MayRead(viewer, item.ReviewerId))
        {
            return Refusal.Forbidden("That item is not assigned to you.");
        }
        var live = withLiveEvidence
            ? await refresher.BuildAsync(item.GrantId, item.Definition, item.EvidenceJson, cancellationToken)
            : null;
        var launch = ItemEvidence.FromJson(item.EvidenceJson)!;
        var refreshed = await CurrentEvidence.LatestRefreshAsync(db, itemId, cancellationToken);
        var (evidence, evidenceJson, evidenceHash) = refreshed is null
            ? (launch, item.EvidenceJson, item.EvidenceHash)
            : (ItemEvidence.FromJson(refreshed.EvidenceJson)!, refreshed.EvidenceJson, refreshed.Hash);
        var topTypes = await ActivityDrillDown.TopTypesAsync(db, item.IdentityId, evidence.AsOf, days: 30, take: 8, cancellationToken);
        var tracked = await db.ReviewItems.AsNoTracking().Include(i => i.Campaign).Include(i => i.Identity)
            .FirstAsync(i => i.Id == itemId, cancellationToken);
        // The same rule the decision handler applies, so the panel never offers what the server refuses (or hides what it allows).
        var canDecide = ReviewRules.CanDecide(viewer, tracked) is null;
        // A hand-off's note is for whoever holds the item now: the latest "don't know", while nobody has decided since.
        var handedOff = item.Outcome is not null ? null : await db.ReviewDecisions.AsNoTracking()
            .Where(d => d.ReviewItemId == itemId && d.Outcome == DecisionOutcome.DontKnow)
            .OrderByDescending(d => d.Id)
            .Select(d => new HandOffNote(db.Identities.Where(p => p.Id == d.DecidedById).Select(p => p.DisplayName).FirstOrDefault() ?? "A reviewer",
                d.Justification ?? "", d.DecidedAt))
            .FirstOrDefaultAsync(cancellationToken);
        var view = new ReviewItemView(item.Id, item.CampaignId, item.Campaign, item.IdentityId, item.Identity, item.Kind, item.Entitlement,
            item.IsPrivileged, item.ReducesTo, item.Resource, item.Stage, item.Recommendation, item.RecommendationReason,
            evidence, evidenceJson, evidenceHash, item.Outcome, item.Justification, item.DecidedAt,
            item.Version, canDecide, topTypes, live, item.Remediation)
        {
            HandedOff = handedOff,
            IdentityDetail = Components.Shared.Humanize.PersonDetail(item.IdentityEmail, item.IdentityDepartment),
            Context = await ItemContext.LoadAsync(db, itemId, cancellationToken),
            CanTransferOwner = TransferKeyOwner.CanTransfer(viewer, item.ReviewerId),
            EvidenceRefreshed = refreshed is not null,
            LaunchEvidence = refreshed is null ? null : launch,
            LaunchEvidenceHash = item.EvidenceHash,
        };
        return view with { ShownHash = ShownDigest.Of(view) };
    }
}

public sealed record TypeCount(string Type, int Count);

public sealed record ReviewItemView(
    long Id, int CampaignId, string Campaign, int IdentityId, string Identity, IdentityKind IdentityKind, string Entitlement, bool IsPrivileged,
    string? ReducesTo, string Resource, int Stage, Recommendation Recommendation, string RecommendationReason, ItemEvidence Evidence,
    string EvidenceJson, string EvidenceHash, DecisionOutcome? Outcome, string? Justification, DateTimeOffset? DecidedAt, int Version,
    bool CanDecide, IReadOnlyList<TypeCount> TopTypes, ItemEvidence? LiveEvidence, RemediationStatus? Remediation)
{
    /// <summary>Who handed this undecided item on with "don't know", and their note; null when it was not handed off.</summary>
    public HandOffNote? HandedOff { get; init; }

    /// <summary>The holder's email (or department): what tells two holders of the same name apart.</summary>
    public string? IdentityDetail { get; init; }

    /// <summary>The stage-one decision, the request and its approvers, earlier certifications and a key's owner today.</summary>
    public ItemContextView? Context { get; init; }

    /// <summary>Whether the viewer may move a key's owner record from this item (the handler checks again).</summary>
    public bool CanTransferOwner { get; init; }

    /// <summary>
    /// Whether <see cref="Evidence"/> (and <see cref="EvidenceJson"/>, <see cref="EvidenceHash"/>) is a refreshed snapshot
    /// rather than the launch one; the drawer says which.
    /// </summary>
    public bool EvidenceRefreshed { get; init; }

    /// <summary>The launch evidence, shown beside a refreshed snapshot; null while the launch snapshot is the one on screen.</summary>
    public ItemEvidence? LaunchEvidence { get; init; }

    /// <summary>The launch snapshot's hash (equal to <see cref="EvidenceHash"/> until a refresh).</summary>
    public string? LaunchEvidenceHash { get; init; }

    /// <summary>SHA-256 of what the drawer renders for this view (<see cref="ShownDigest"/>): a decision records it.</summary>
    public string ShownHash { get; init; } = "";
}

/// <summary>A "don't know" hand-off as the next reviewer reads it.</summary>
public sealed record HandOffNote(string From, string Note, DateTimeOffset At);
