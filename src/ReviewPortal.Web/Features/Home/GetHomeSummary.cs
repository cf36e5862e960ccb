using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Identities;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Home;

/// <summary>The counters on a persona's home page, all read live from the database.</summary>
public sealed class GetHomeSummary(IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    public async Task<Result<HomeSummary>> HandleAsync(Viewer viewer, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var me = viewer.IdentityId ?? -1;

        var pendingReviews = await db.ReviewItems.CountAsync(i => i.ReviewerId == me && i.Outcome == null
            && i.Campaign.Status == CampaignStatus.Active, cancellationToken);
        var pendingApprovals = await db.ApprovalSteps.CountAsync(s => s.ApproverId == me
            && s.Status == ApprovalStatus.Pending, cancellationToken);
        var openCampaigns = await db.Campaigns.CountAsync(c => c.Status == CampaignStatus.Active, cancellationToken);
        var myRequests = await db.AccessRequests.CountAsync(r => r.RequesterId == me
            && r.Status == AccessRequestStatus.Pending, cancellationToken);
        var visibleIdentities = await db.Identities.VisibleTo(viewer).CountAsync(cancellationToken);
        var lastActivity = await db.ActivityEvents.OrderByDescending(e => e.Id).Select(e => (DateTimeOffset?)e.OccurredAt)
            .FirstOrDefaultAsync(cancellationToken);
        var lastSync = await db.IngestionRuns.Where(r => r.Job == SyncDirectoryJob.JobName && r.Status == IngestionRunStatus.Succeeded)
            .MaxAsync(r => r.EndedAt, cancellationToken);

        var hasReports = await db.Identities.AnyAsync(i => i.ManagerId == me, cancellationToken);

        int? auditEntries = viewer.CanReadEverything ? await db.AuditEntries.CountAsync(cancellationToken) : null;
        int? dormantKeys = viewer.CanReadEverything
            ? await db.Identities.WhereDormantApiKey(db.UsageRollups, time.GetUtcNow()).CountAsync(cancellationToken)
            : null;
        return new HomeSummary(pendingReviews, pendingApprovals, openCampaigns, myRequests, visibleIdentities,
            lastActivity, lastSync, auditEntries, dormantKeys, hasReports);
    }
}

public sealed record HomeSummary(
    int PendingReviewItems,
    int PendingApprovals,
    int OpenCampaigns,
    int MyOpenRequests,
    int VisibleIdentities,
    DateTimeOffset? LastActivityIngested,
    DateTimeOffset? LastDirectorySync,
    int? AuditEntries,
    int? DormantApiKeys,
    bool HasReports);
