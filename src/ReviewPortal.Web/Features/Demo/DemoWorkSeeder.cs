using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Demo;

/// <summary>
/// Gives the demo personas real work on first run: an open review campaign over the managers'
/// reports (and the keys those reports own) and access requests waiting for the app owner.
/// Recommendations follow the documented inactivity rule over the seeded rollups.
/// </summary>
public static class DemoWorkSeeder
{
    public static async Task SeedAsync(ReviewPortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var admin = await db.Identities.Where(i => i.Kind == IdentityKind.Person && i.EmploymentStatus == EmploymentStatus.Active
                && i.Grants.Any(g => g.EndedAt == null && g.Entitlement.Kind == EntitlementKind.OrgRole && g.Entitlement.Value == "admin"))
            .OrderByDescending(i => i.LastActiveAt).ThenBy(i => i.Id).FirstAsync(cancellationToken);
        var campaign = new Campaign
        {
            Name = "Q4 2026 Claude access review",
            Status = CampaignStatus.Active,
            CreatedById = admin.Id,
            CreatedAt = now.AddDays(-6),
            LaunchedAt = now.AddDays(-5),
            DueAt = now.AddDays(9),
            UnreviewedOutcome = UnreviewedOutcome.NoChange,
            DefinitionJson = JsonSerializer.Serialize(new { scope = "all Claude grants", reviewers = "manager; NHI owner's manager; fallback IAM" }),
        };
        db.Campaigns.Add(campaign);

        var from = DateOnly.FromDateTime(now.UtcDateTime).AddDays(-29);
        var activeDays = await db.ActivityRollups.Where(r => r.Day >= from)
            .GroupBy(r => r.IdentityId)
            .Select(g => new { g.Key, Days = g.Select(r => r.Day).Distinct().Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Days, cancellationToken);

        var grants = await db.Grants.Where(g => g.EndedAt == null)
            .Select(g => new
            {
                g.Id, g.IdentityId, g.EntitlementId, g.Entitlement.IsPrivileged, g.Entitlement.ReducesToId,
                g.Identity.LastActiveAt, g.Identity.Kind,
                Reviewer = g.Identity.Kind == IdentityKind.Person ? g.Identity.ManagerId : g.Identity.Owner!.ManagerId,
            })
            .ToListAsync(cancellationToken);

        var random = new Random(7);
        foreach (var g in grants.Where(g => g.Reviewer is not null))
        {
            // Never review oneself: such items go to the fallback reviewer.
            var reviewer = g.Reviewer == g.IdentityId ? admin.Id : g.Reviewer!.Value;
            var days = activeDays.GetValueOrDefault(g.IdentityId);
            var idle = g.LastActiveAt is { } last ? (int)(now - last).TotalDays : 999;
            var (recommendation, reason) = idle >= 30
                ? (Recommendation.Revoke, idle >= 999 ? "Revoke: never active" : $"Revoke: no activity for {idle} days")
                : g.IsPrivileged && g.ReducesToId is not null && days < 10
                    ? (Recommendation.Reduce, $"Reduce: privileged role, active only {days} of 30 days")
                    : (Recommendation.Keep, $"Keep: active {days} of 30 days");
            var evidence = JsonSerializer.Serialize(new { activeDays = days, lastActiveAt = g.LastActiveAt, asOf = campaign.LaunchedAt });
            var item = new ReviewItem
            {
                Campaign = campaign, GrantId = g.Id, IdentityId = g.IdentityId, EntitlementId = g.EntitlementId,
                ReviewerId = reviewer, Recommendation = recommendation, RecommendationReason = reason,
                EvidenceJson = evidence, EvidenceAsOf = campaign.LaunchedAt!.Value,
                EvidenceHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(evidence))),
            };
            // A few reviewers have started: progress is not zero on day one.
            if (random.Next(5) == 0 && recommendation == Recommendation.Keep)
            {
                item.Outcome = DecisionOutcome.Keep;
                item.DecidedById = reviewer;
                item.DecidedAt = now.AddDays(-random.Next(1, 5));
                item.Justification = "Still needed for current work.";
            }
            db.ReviewItems.Add(item);
        }

        var prod = await db.Resources.Include(r => r.Entitlements).FirstAsync(r => r.Name == "prod", cancellationToken);
        var developer = prod.Entitlements.First(e => e.Value == "workspace_developer");
        var requesters = await db.Identities
            .Where(i => i.Kind == IdentityKind.Person && i.EmploymentStatus == EmploymentStatus.Active
                && i.Department == "Data Science" && i.ManagerId != null && i.ManagerId != prod.OwnerId)
            .OrderBy(i => i.Id).Take(3).ToListAsync(cancellationToken);
        foreach (var (requester, n) in requesters.Select((r, n) => (r, n)))
        {
            var request = new AccessRequest
            {
                RequesterId = requester.Id, BeneficiaryId = requester.Id, EntitlementId = developer.Id,
                Justification = "Deploying the evaluation pipeline to prod for the Q1 launch.",
                RequestedAt = now.AddDays(-2 - n), StartsAt = now.AddDays(-2 - n), DurationDays = 90,
                Status = AccessRequestStatus.Pending,
            };
            request.Steps.Add(new ApprovalStep
            {
                Order = 1, ApproverKind = ApproverKind.Manager, ApproverId = requester.ManagerId!.Value,
                Status = ApprovalStatus.Approved, DecidedById = requester.ManagerId, DecidedAt = now.AddDays(-1 - n),
                Comment = "Part of the launch team.",
            });
            request.Steps.Add(new ApprovalStep
            {
                Order = 2, ApproverKind = ApproverKind.ResourceOwner, ApproverId = prod.OwnerId!.Value, Status = ApprovalStatus.Pending,
            });
            db.AccessRequests.Add(request);
        }
        db.Audit(AuditActor.System("demo-seed", now, Guid.NewGuid().ToString("N")), "campaign.launched", campaign,
            after: new { campaign.Name, campaign.DueAt }, campaignId: null);
    }
}
