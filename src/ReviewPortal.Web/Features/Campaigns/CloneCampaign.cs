using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>
/// Copies a campaign's definition (any status: a draft, a running or a closed campaign, a lifecycle micro-review) into a new
/// draft named "… (copy)", to adjust and launch from the wizard. The due date moves to the future: as long after today as the
/// original ran (its due date after its launch, or after its creation for a draft), within the wizard's 1 day to a year.
/// </summary>
public sealed class CloneCampaign(IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    public const string CopySuffix = " (copy)";

    public async Task<Result<int>> HandleAsync(Viewer viewer, int campaignId, string correlationId, CancellationToken cancellationToken = default)
    {
        var admin = AdminScreens.ActingAdmin(viewer, "can clone campaigns");
        if (!admin.Ok)
        {
            return admin.Refusal;
        }
        var now = time.GetUtcNow();
        var actor = new AuditActor(viewer.IdentityId, viewer.Name, now, correlationId);
        return await contexts.WriteAsync<Result<int>>(async (db, ct) =>
        {
            var source = await db.Campaigns.AsNoTracking().Where(c => c.Id == campaignId)
                .Select(c => new { c.Name, c.Definition, c.DueAt, Started = c.LaunchedAt ?? c.CreatedAt }).FirstOrDefaultAsync(ct);
            if (source is null)
            {
                return Refusal.NotFound("No such campaign.");
            }
            var definition = source.Definition with
            {
                Name = MaxLengths.Truncate(source.Name, MaxLengths.Campaign.Name - CopySuffix.Length) + CopySuffix,
                DueAt = DueLike(source.Started, source.DueAt, now),
                // A copy of a micro-review is an ordinary campaign: the lifecycle job neither closes it nor skips its grants.
                LifecycleRule = null,
            };
            var draft = new Campaign
            {
                Name = definition.Name, Status = CampaignStatus.Draft, CreatedById = admin.Value, CreatedAt = now,
                DueAt = definition.DueAt, UnreviewedOutcome = definition.UnreviewedOutcome, Definition = definition,
            };
            db.Campaigns.Add(draft);
            await db.SaveChangesAsync(ct);
            db.Audit(actor, "campaign.cloned", draft, after: new { from = campaignId, definition.Name, definition.DueAt }, campaignId: draft.Id);
            return draft.Id;
        }, cancellationToken);
    }

    /// <summary>Today plus the original's length in whole days (at 17:00 UTC, as the wizard sets it), kept within 2 to 365 days.</summary>
    public static DateTimeOffset DueLike(DateTimeOffset started, DateTimeOffset dueAt, DateTimeOffset now)
    {
        var days = Math.Clamp((int)Math.Round((dueAt - started).TotalDays), 2, 365);
        return new DateTimeOffset(now.UtcDateTime.Date.AddDays(days).AddHours(17), TimeSpan.Zero);
    }
}
