using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Web.Features.Demo;

/// <summary>
/// Gives the demo personas real work once the pipeline has filled the portal: the admin persona
/// launches a quarterly campaign through the real launch (managers review their reports and the
/// keys those reports own), and a few access requests wait for the prod workspace's owner.
/// </summary>
public sealed class DemoWorkSeeder(IDbContextFactory<ReviewPortalDbContext> contexts, LaunchCampaign launch, TimeProvider time,
    ILogger<DemoWorkSeeder> logger)
{
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var admin = await db.Identities.Where(i => i.Kind == IdentityKind.Person && i.EmploymentStatus == EmploymentStatus.Active
                && i.Grants.Any(g => g.EndedAt == null && g.Entitlement.Kind == EntitlementKind.OrgRole && g.Entitlement.Value == "admin"))
            .OrderByDescending(i => i.LastActiveAt).ThenBy(i => i.Id).FirstOrDefaultAsync(cancellationToken);
        if (admin is null)
        {
            logger.LogWarning("Demo: no admin in the directory yet; no campaign launched");
            return;
        }
        var definition = new CampaignDefinition
        {
            Name = $"Q{(now.Month - 1) / 3 + 1} {now.Year} Claude access review",
            EntitlementKinds = [.. Enum.GetValues<EntitlementKind>()],
            IdentityKinds = [.. Enum.GetValues<IdentityKind>()],
            Reviewer = ReviewerRule.Manager,
            FallbackReviewerId = admin.Id,
            SecondStage = true,
            SecondStageOutcomes = [DecisionOutcome.Keep],
            DueAt = now.AddDays(14),
            UnreviewedOutcome = UnreviewedOutcome.NoChange,
        };
        var viewer = new Viewer(admin.Id, admin.DisplayName, new HashSet<string> { Roles.Admin });
        var launched = await launch.HandleAsync(viewer, definition, "demo-bootstrap", cancellationToken);
        logger.LogInformation("Demo: campaign {Campaign} launched with {Items} items {Error}", launched.CampaignId, launched.Items, launched.Error);

        await SeedRequestsAsync(db, now, cancellationToken);
    }

    private static async Task SeedRequestsAsync(ReviewPortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var prod = await db.Resources.Include(r => r.Entitlements)
            .FirstOrDefaultAsync(r => r.Kind == ResourceKind.Workspace && r.Name == "prod" && r.OwnerId != null, cancellationToken);
        var developer = prod?.Entitlements.FirstOrDefault(e => e.Value == "workspace_developer");
        if (prod is null || developer is null)
        {
            return;
        }
        var requesters = await db.Identities
            .Where(i => i.Kind == IdentityKind.Person && i.EmploymentStatus == EmploymentStatus.Active && i.Department == "Data Science"
                && i.ManagerId != null && i.ManagerId != prod.OwnerId && i.Id != prod.OwnerId
                && !i.Grants.Any(g => g.EndedAt == null && g.EntitlementId == developer.Id))
            .OrderBy(i => i.Id).Take(3).ToListAsync(cancellationToken);
        foreach (var (requester, n) in requesters.Select((r, n) => (r, n)))
        {
            var request = new AccessRequest
            {
                RequesterId = requester.Id, BeneficiaryId = requester.Id, EntitlementId = developer.Id,
                Justification = "Deploying the evaluation pipeline to prod for the Q1 launch.",
                RequestedAt = now.AddDays(-2 - n), StartsAt = now.AddDays(-2 - n), DurationDays = 90, Status = AccessRequestStatus.Pending,
            };
            request.Steps.Add(new ApprovalStep
            {
                Order = 1, ApproverKind = ApproverKind.Manager, ApproverId = requester.ManagerId!.Value, Status = ApprovalStatus.Approved,
                DecidedById = requester.ManagerId, DecidedAt = now.AddDays(-1 - n), Comment = "Part of the launch team.",
            });
            request.Steps.Add(new ApprovalStep
            {
                Order = 2, ApproverKind = ApproverKind.ResourceOwner, ApproverId = prod.OwnerId!.Value, Status = ApprovalStatus.Pending,
            });
            db.AccessRequests.Add(request);
            db.Audit(AuditActor.System("demo-seed", now, $"demo-request-{n}"), "request.submitted", request,
                after: new { requester = requester.DisplayName, entitlement = developer.DisplayName }, identityId: requester.Id);
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}
