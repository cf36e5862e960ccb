using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Reviews;

/// <summary>
/// What a reviewer needs beside the launch snapshot, read as it is now (issue #15, 9): on a stage-two item the stage-one
/// decision; the request that gave the access with each approver's answer; earlier certifications of the same access;
/// and, for a key, its owner as they are today (the snapshot's owner can have left since). Not part of the hashed
/// evidence: it is history and people, not the figures a decision is recorded against.
/// </summary>
public static class ItemContext
{
    public static async Task<ItemContextView> LoadAsync(ReviewPortalDbContext db, long itemId, CancellationToken cancellationToken)
    {
        var item = await db.ReviewItems.AsNoTracking().Where(i => i.Id == itemId)
            .Select(i => new { i.Id, i.CampaignId, i.GrantId, i.IdentityId, i.EntitlementId, i.Stage, i.Grant.AccessRequestId, i.Identity.Kind, i.Identity.OwnerId })
            .FirstAsync(cancellationToken);

        EarlierDecision? stageOne = null;
        if (item.Stage > 1)
        {
            stageOne = await db.ReviewItems.AsNoTracking()
                .Where(i => i.CampaignId == item.CampaignId && i.GrantId == item.GrantId && i.Stage == item.Stage - 1 && i.Outcome != null)
                .Select(i => new EarlierDecision(i.Outcome!.Value,
                    i.DecidedById == null ? null : db.Identities.Where(p => p.Id == i.DecidedById)
                        .Select(p => new PersonLabel(p.Id, p.DisplayName, p.Email, p.Department)).FirstOrDefault(),
                    i.DecidedAt, i.Justification))
                .FirstOrDefaultAsync(cancellationToken);
        }

        // The request that gave this grant; for a grant the feed brought in, the latest request for the same access.
        var requests = db.AccessRequests.AsNoTracking();
        var request = await (item.AccessRequestId is { } requestId
                ? requests.Where(r => r.Id == requestId)
                : requests.Where(r => r.BeneficiaryId == item.IdentityId && r.EntitlementId == item.EntitlementId).OrderByDescending(r => r.RequestedAt))
            .Select(r => new
            {
                r.Id, r.RequestedAt, r.Justification, r.Status,
                Requester = new PersonLabel(r.Requester.Id, r.Requester.DisplayName, r.Requester.Email, r.Requester.Department),
            })
            .FirstOrDefaultAsync(cancellationToken);
        RequestTrail? trail = null;
        if (request is not null)
        {
            var steps = await db.ApprovalSteps.AsNoTracking().Where(s => s.AccessRequestId == request.Id).OrderBy(s => s.Order)
                .Select(s => new ApproverAnswer(s.Order, s.ApproverKind, new PersonLabel(s.Approver.Id, s.Approver.DisplayName, s.Approver.Email, s.Approver.Department),
                    s.Status, s.DecidedAt, s.Comment))
                .ToListAsync(cancellationToken);
            trail = new RequestTrail(request.Id, request.Requester, request.RequestedAt, request.Justification, request.Status, steps);
        }

        // Earlier certifications of the same access for the same identity: other campaigns, decided by a reviewer.
        var earlier = await db.ReviewItems.AsNoTracking()
            .Where(i => i.IdentityId == item.IdentityId && i.EntitlementId == item.EntitlementId && i.CampaignId != item.CampaignId && i.Outcome != null)
            .OrderByDescending(i => i.DecidedAt).Take(10)
            .Select(i => new Certification(i.CampaignId, i.Campaign.Name, i.Outcome!.Value, i.DecidedAt,
                new PersonLabel(i.Reviewer.Id, i.Reviewer.DisplayName, i.Reviewer.Email, i.Reviewer.Department), i.Justification))
            .ToListAsync(cancellationToken);

        KeyOwner? owner = null;
        if (item.Kind != IdentityKind.Person)
        {
            owner = await db.Identities.AsNoTracking().Where(i => i.Id == item.IdentityId)
                .Select(i => new KeyOwner(
                    i.Owner == null ? null : new PersonLabel(i.Owner.Id, i.Owner.DisplayName, i.Owner.Email, i.Owner.Department),
                    i.Owner == null ? null : i.Owner.EmploymentStatus, i.Owner == null ? null : i.Owner.DepartedAt, i.OwnerVersion))
                .FirstAsync(cancellationToken);
        }
        return new ItemContextView(stageOne, trail, earlier, owner);
    }
}

/// <summary>A person as lists show them: the name, and the email (or department) that tells namesakes apart.</summary>
public sealed record PersonLabel(int Id, string Name, string? Email, string? Department)
{
    public override string ToString() => Humanize.Person(Name, Email, Department);
}

public sealed record ItemContextView(EarlierDecision? StageOne, RequestTrail? Request, IReadOnlyList<Certification> EarlierCertifications, KeyOwner? Owner);

/// <summary>The previous stage's decision on the same grant in the same campaign.</summary>
public sealed record EarlierDecision(DecisionOutcome Outcome, PersonLabel? By, DateTimeOffset? At, string? Justification);

public sealed record RequestTrail(long RequestId, PersonLabel Requester, DateTimeOffset RequestedAt, string Justification, AccessRequestStatus Status,
    IReadOnlyList<ApproverAnswer> Steps);

public sealed record ApproverAnswer(int Order, ApproverKind Kind, PersonLabel Approver, ApprovalStatus Status, DateTimeOffset? At, string? Comment);

public sealed record Certification(int CampaignId, string Campaign, DecisionOutcome Outcome, DateTimeOffset? At, PersonLabel Reviewer, string? Justification);

/// <summary>A key's owner as the portal records them now, with the version a transfer must name.</summary>
public sealed record KeyOwner(PersonLabel? Person, EmploymentStatus? Employment, DateTimeOffset? DepartedAt, int Version)
{
    public bool Departed => Employment == EmploymentStatus.Departed;
}
