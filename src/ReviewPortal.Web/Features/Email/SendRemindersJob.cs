using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Email;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Email;

/// <summary>
/// Scan and act: reads what is pending now and queues the mails today calls for. Running it
/// every hour, twice, or after a restart queues nothing new, because each mail's deduplication
/// key names its day (or its one-off event). A reviewer with nothing pending is never mailed:
/// pending counts are read at run time, not at launch.
/// </summary>
public sealed class SendRemindersJob(
    IDbContextFactory<ReviewPortalDbContext> contexts,
    EmailRenderer renderer,
    DatabaseLease leases,
    EmailOptions options,
    TimeProvider time,
    ILogger<SendRemindersJob> logger)
{
    public const string JobName = "send-reminders";

    public static readonly JobDescriptor<SendRemindersJob> Descriptor = new()
    {
        Id = JobName,
        Title = "the reminders",
        Lease = TimeSpan.FromMinutes(30),
        Schedule = JobDescriptor.From<EmailOptions>(o => o.RemindersCron),
        RunNowAuditAction = "email.reminders-requested",
        Run = job => job.RunAsync(CancellationToken.None),
    };

    /// <summary>Only campaigns closed this recently tell their owner (no burst of old news on first deploy).</summary>
    public static readonly TimeSpan ClosedNoticeWindow = TimeSpan.FromDays(7);

    public Task<int> RunAsync(CancellationToken cancellationToken = default) =>
        leases.RunExclusiveAsync(Descriptor, RunLeasedAsync, () => 0, cancellationToken);

    /// <summary>The run itself, under the job's lease: <paramref name="cancellationToken"/> is cancelled when the lease is lost.</summary>
    private async Task<int> RunLeasedAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // Away reviewers' pending items go to their delegates first, so today's reminders reach whoever now holds them.
        var handedOver = await ReviewerDelegations.HandOverDueAsync(contexts, now, cancellationToken);
        if (handedOver > 0)
        {
            logger.LogInformation("Handed {Count} review items to the delegates of away reviewers", handedOver);
        }
        var queued = await CampaignRemindersAsync(now, cancellationToken)
                     + await CampaignClosedAsync(now, cancellationToken)
                     + await ApprovalRemindersAsync(now, cancellationToken)
                     + await GrantExpiryAsync(now, cancellationToken);
        if (queued > 0)
        {
            logger.LogInformation("Reminder run queued {Count} mails", queued);
        }
        return queued;
    }

    private async Task<int> CampaignRemindersAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = ReminderSchedule.Day(now);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var campaigns = await db.Campaigns.AsNoTracking()
            .Where(c => c.Status == CampaignStatus.Active && c.LaunchedAt != null)
            .Select(c => new { c.Id, c.Name, LaunchedAt = c.LaunchedAt!.Value, c.DueAt, c.Definition })
            .ToListAsync(cancellationToken);
        var queued = 0;
        foreach (var campaign in campaigns)
        {
            var cadence = campaign.Definition.Reminders;
            var due = ReminderSchedule.Day(campaign.DueAt);
            var kind = ReminderSchedule.KindFor(cadence, ReminderSchedule.Day(campaign.LaunchedAt), due, today);
            var closesAutomatically = campaign.Definition.AutoClose;
            // A campaign that closes itself warns the day before whatever its cadence (None aside): the one "closing soon" mail
            // of that day, which the standard cadence sends anyway as its due-in-1 reminder.
            if (kind is null && closesAutomatically && cadence != ReminderCadence.None && today == due.AddDays(-1)
                && today > ReminderSchedule.Day(campaign.LaunchedAt))
            {
                kind = ReminderSchedule.DueIn1;
            }
            var escalate = ReminderSchedule.Escalates(cadence, due, today, options.EscalateAfterDaysOverdue);
            if (kind is null && !escalate)
            {
                continue;
            }
            var reviewers = await WaitingReviewers.InCampaignAsync(db, campaign.Id, cancellationToken);

            var wanted = new List<(string Key, string To, Func<EmailContent> Content)>();
            foreach (var r in reviewers.Where(r => r.Pending > 0))
            {
                if (kind is not null && !string.IsNullOrWhiteSpace(r.Email))
                {
                    wanted.Add((OutboxKeys.ForReminder(campaign.Id, r.ReviewerId, kind, today), r.Email,
                        () => EmailMessages.ReviewReminder(options, kind, r.DisplayName, campaign.Id, campaign.Name, r.Pending, campaign.DueAt, today, closesAutomatically)));
                }
                if (escalate && !string.IsNullOrWhiteSpace(r.ManagerEmail) && r.ManagerName is not null)
                {
                    wanted.Add((OutboxKeys.ForEscalation(campaign.Id, r.ReviewerId, today), r.ManagerEmail,
                        () => EmailMessages.Escalation(options, r.ManagerName, r.DisplayName, r.ReviewerId, campaign.Name, r.Pending, campaign.DueAt, today)));
                }
            }
            queued += await QueueAsync(db, wanted, now, cancellationToken);
        }
        return queued;
    }

    private async Task<int> CampaignClosedAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var since = now - ClosedNoticeWindow;
        var closed = await db.Campaigns.AsNoTracking()
            .Where(c => c.Status == CampaignStatus.Closed && c.ClosedAt != null && c.ClosedAt >= since)
            .Join(db.Identities, c => c.CreatedById, i => i.Id, (c, owner) => new
            {
                c.Id, c.Name, ClosedAt = c.ClosedAt!.Value, owner.DisplayName, owner.Email,
                Total = c.Items.Count(),
                Decided = c.Items.Count(i => i.Outcome != null && i.DecidedById != null),
                Defaulted = c.Items.Count(i => i.Outcome != null && i.DecidedById == null),
            })
            .ToListAsync(cancellationToken);
        var wanted = closed.Where(c => !string.IsNullOrWhiteSpace(c.Email))
            .Select(c => (OutboxKeys.ForCampaignClosed(c.Id), c.Email!,
                (Func<EmailContent>)(() => EmailMessages.CampaignClosed(options, c.DisplayName, c.Id, c.Name, c.ClosedAt, c.Total, c.Decided, c.Defaulted))))
            .ToList();
        return await QueueAsync(db, wanted, now, cancellationToken);
    }

    private async Task<int> ApprovalRemindersAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = ReminderSchedule.Day(now);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var approvers = await db.ApprovalSteps.AsNoTracking()
            .Where(s => s.Status == ApprovalStatus.Pending && s.AccessRequest.Status == AccessRequestStatus.Pending)
            .GroupBy(s => s.ApproverId)
            .Select(g => new { ApproverId = g.Key, Pending = g.Count(), Oldest = g.Min(s => s.AccessRequest.RequestedAt) })
            .Join(db.Identities, a => a.ApproverId, i => i.Id, (a, i) => new { a.ApproverId, a.Pending, a.Oldest, i.DisplayName, i.Email })
            .ToListAsync(cancellationToken);
        var wanted = approvers.Where(a => !string.IsNullOrWhiteSpace(a.Email))
            .Select(a => (OutboxKeys.ForApprovalReminder(a.ApproverId, today), a.Email!,
                (Func<EmailContent>)(() => EmailMessages.ApprovalReminder(options, a.DisplayName, a.Pending, a.Oldest))))
            .ToList();
        return await QueueAsync(db, wanted, now, cancellationToken);
    }

    /// <summary>People hear about their own grants; an NHI's grant goes to its accountable owner.</summary>
    private async Task<int> GrantExpiryAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var until = now.AddDays(options.GrantExpiryNoticeDays);
        var grants = await db.Grants.AsNoTracking()
            .Where(g => g.EndedAt == null && g.ExpiresAt != null && g.ExpiresAt > now && g.ExpiresAt <= until)
            .Select(g => new
            {
                g.Id, ExpiresAt = g.ExpiresAt!.Value, Entitlement = g.Entitlement.DisplayName, Resource = g.Entitlement.Resource.Name,
                Holder = g.Identity.DisplayName, HolderIsPerson = g.Identity.Kind == IdentityKind.Person, HolderEmail = g.Identity.Email,
                OwnerName = g.Identity.Owner == null ? null : g.Identity.Owner.DisplayName,
                OwnerEmail = g.Identity.Owner == null ? null : g.Identity.Owner.Email,
            })
            .ToListAsync(cancellationToken);
        var wanted = new List<(string, string, Func<EmailContent>)>();
        foreach (var g in grants)
        {
            var (to, name) = g.HolderIsPerson ? (g.HolderEmail, g.Holder) : (g.OwnerEmail, g.OwnerName);
            if (string.IsNullOrWhiteSpace(to) || name is null)
            {
                continue;
            }
            wanted.Add((OutboxKeys.ForGrantExpiry(g.Id, g.ExpiresAt), to,
                () => EmailMessages.GrantExpiry(options, name, g.Holder, g.HolderIsPerson, g.Entitlement, g.Resource, g.ExpiresAt)));
        }
        return await QueueAsync(db, wanted, now, cancellationToken);
    }

    /// <summary>Renders only mails whose key is new, and stores them in one transaction.</summary>
    private async Task<int> QueueAsync(ReviewPortalDbContext db, List<(string Key, string To, Func<EmailContent> Content)> wanted,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (wanted.Count == 0)
        {
            return 0;
        }
        var queued = 0;
        foreach (var chunk in wanted.Chunk(500))
        {
            var keys = chunk.Select(w => w.Key).ToList();
            var taken = (await db.OutboxEmails.Where(m => keys.Contains(m.DeduplicationKey))
                .Select(m => m.DeduplicationKey).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
            foreach (var (key, to, content) in chunk.Where(w => !taken.Contains(w.Key)))
            {
                var mail = await renderer.RenderAsync(content());
                if (await EmailOutbox.EnqueueAsync(db, key, to, mail, now, cancellationToken))
                {
                    queued++;
                }
            }
            await db.SaveChangesAsync(cancellationToken);
        }
        return queued;
    }

}
