using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Web.Features.Demo;

/// <summary>
/// Gives the demo personas real work once the pipeline has filled the portal: the admin persona
/// launches a quarterly campaign through the real launch (managers review their reports and the
/// keys those reports own), and a few access requests wait for the prod workspace's owner.
/// </summary>
public sealed class DemoWorkSeeder(IDbContextFactory<ReviewPortalDbContext> contexts, LaunchCampaign launch, SubmitAccessRequest submit,
    DecideApproval approve, TimeProvider time, ILogger<DemoWorkSeeder> logger)
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
        logger.LogInformation("Demo: campaign {Campaign} launched with {Items} items {Error}", launched.Value?.CampaignId, launched.Value?.Items,
            launched.Refusal?.Message);

        await SeedRequestsAsync(db, now, cancellationToken);
    }

    /// <summary>Requests go through the real submit and approval handlers: the manager has approved, the owner is next.</summary>
    private async Task SeedRequestsAsync(ReviewPortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var prod = await db.Resources.Include(r => r.Entitlements)
            .FirstOrDefaultAsync(r => r.Kind == ResourceKind.Workspace && r.Name == "prod" && r.OwnerId != null, cancellationToken);
        var developer = prod?.Entitlements.FirstOrDefault(e => e.Value == "workspace_developer" && e.IsRequestable);
        if (prod is null || developer is null)
        {
            return;
        }
        var requesters = await db.Identities.Include(i => i.Manager)
            .Where(i => i.Kind == IdentityKind.Person && i.EmploymentStatus == EmploymentStatus.Active && i.Department == "Data Science"
                && i.ManagerId != null && i.ManagerId != prod.OwnerId && i.Id != prod.OwnerId
                && !i.Grants.Any(g => g.EndedAt == null && g.EntitlementId == developer.Id))
            .OrderBy(i => i.Id).Take(3).ToListAsync(cancellationToken);
        foreach (var requester in requesters)
        {
            var asRequester = new Viewer(requester.Id, requester.DisplayName, new HashSet<string>());
            var submitted = await submit.HandleAsync(asRequester, new SubmitAccessRequest.Command
            {
                EntitlementId = developer.Id, BeneficiaryId = requester.Id, DurationDays = Math.Min(90, developer.MaxDurationDays ?? 90),
                Justification = "Deploying the evaluation pipeline to prod for the Q1 launch.",
            }, "demo-bootstrap", cancellationToken);
            var step = submitted.Ok
                ? await db.ApprovalSteps.Where(s => s.AccessRequestId == submitted.Value && s.Status == ApprovalStatus.Pending).FirstOrDefaultAsync(cancellationToken)
                : null;
            if (step is not null && step.ApproverId == requester.ManagerId)
            {
                var asManager = new Viewer(requester.Manager!.Id, requester.Manager.DisplayName, new HashSet<string>());
                await approve.HandleAsync(asManager, new DecideApproval.Command(step.Id, true, "Part of the launch team.", step.Version), "demo-bootstrap", cancellationToken);
            }
        }
    }
}
