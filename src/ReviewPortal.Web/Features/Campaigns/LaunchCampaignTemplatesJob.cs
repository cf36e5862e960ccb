using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>
/// Scan and act, hourly: each enabled recurring campaign whose next run has come launches it, through the launch code every
/// campaign uses (<see cref="CampaignPlanner"/>, <see cref="LaunchCampaign.WriteAsync"/>, so with its reviewers' launch mails),
/// as the job, in the name of the admin who created the template. One run, one unit of work.
/// <para>
/// A run launches once, however many job runs or nodes reach it. The lease keeps two runs of the job apart only while it
/// holds; what guarantees it is the unit's first statement, a conditional update that finds the template only while its
/// next run is still the one this run read as due, and holds the template's row until the unit commits. A second run (or
/// node) that read the same due run waits at that row, then finds the next run moved on, and does nothing; the unique
/// (template, run) row the unit writes is the last guard behind it. A run that cannot launch (nothing in scope, the
/// last-admin block) is recorded with its reason, audited, and alerted to the IAM team, and the template moves on.
/// </para>
/// </summary>
public sealed class LaunchCampaignTemplatesJob(IDbContextFactory<ReviewPortalDbContext> contexts, DatabaseLease leases, LaunchMails mails,
    AdminAlerts alerts, TimeProvider time, ILogger<LaunchCampaignTemplatesJob> logger)
{
    public const string JobName = "launch-campaign-templates";

    public static readonly JobDescriptor<LaunchCampaignTemplatesJob> Descriptor = new()
    {
        Id = JobName,
        Title = "the recurring campaigns",
        Lease = TimeSpan.FromMinutes(30),
        Schedule = JobDescriptor.From<CampaignsOptions>(o => o.TemplatesCron),
        RunNowAuditAction = "campaign.templates-run-requested",
        Run = job => job.RunAsync(CancellationToken.None),
    };

    /// <returns>How many campaigns this run launched.</returns>
    public Task<int> RunAsync(CancellationToken cancellationToken = default) =>
        leases.RunExclusiveAsync(Descriptor, RunLeasedAsync, () => 0, cancellationToken);

    private async Task<int> RunLeasedAsync(CancellationToken cancellationToken)
    {
        var launched = 0;
        foreach (var run in await DueRunsAsync(cancellationToken))
        {
            if (await LaunchAsync(run, cancellationToken) is { CampaignId: not null })
            {
                launched++;
            }
        }
        if (launched > 0)
        {
            logger.LogInformation("Recurring campaigns launched {Count} campaigns", launched);
        }
        return launched;
    }

    /// <summary>The runs that have come: each enabled template's next run, when it is now or earlier.</summary>
    public async Task<IReadOnlyList<DueRun>> DueRunsAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var due = await db.CampaignTemplates.AsNoTracking().Where(t => t.Enabled && t.NextRunAt != null && t.NextRunAt <= now)
            .OrderBy(t => t.NextRunAt).Select(t => new DueRun(t.Id, t.NextRunAt!.Value)).ToListAsync(cancellationToken);
        return due;
    }

    /// <summary>Launches one run read as due by <see cref="DueRunsAsync"/>; null when another run or node has handled it (or the template changed).</summary>
    public Task<CampaignTemplateRun?> LaunchAsync(DueRun run, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        return contexts.WriteAsync((db, ct) => LaunchAsync(db, run, now, ct), cancellationToken);
    }

    private async Task<CampaignTemplateRun?> LaunchAsync(ReviewPortalDbContext db, DueRun run, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The claim (see the class summary): no-op on the row's content but its lock, and a miss when the run moved on.
        if (await db.CampaignTemplates.Where(t => t.Id == run.TemplateId && t.Enabled && t.NextRunAt == run.RunAt)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.NextRunAt, t => t.NextRunAt), cancellationToken) != 1)
        {
            return null;
        }
        var template = await db.CampaignTemplates.SingleAsync(t => t.Id == run.TemplateId, cancellationToken);
        var day = run.RunAt.UtcDateTime.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
        var definition = template.Definition with
        {
            Name = $"{MaxLengths.Truncate(template.Name, MaxLengths.CampaignTemplate.Name)} · {day}",
            // Due at the wizard's hour, DurationDays after the day it actually launches.
            DueAt = new DateTimeOffset(now.UtcDateTime.Date.AddDays(template.DurationDays).AddHours(17), TimeSpan.Zero),
            LifecycleRule = null,
        };
        var actor = AuditActor.System(JobName, now, $"{JobName}-{template.Id}-{run.RunAt.UtcTicks}");
        var record = new CampaignTemplateRun { TemplateId = template.Id, RunAt = run.RunAt, AttemptedAt = now };

        var plan = await CampaignPlanner.PlanAsync(db, definition, now, cancellationToken);
        var problem = plan.BlockReason ?? (plan.Items.Count == 0 ? "Nothing is in scope: no grant matches the template's scope today." : null);
        if (problem is null)
        {
            var campaign = await LaunchCampaign.WriteAsync(db, mails, definition, template.CreatedById, plan.Items, plan.GrantsRemovedByDefault, actor,
                cancellationToken);
            record.CampaignId = campaign.Id;
            db.Audit(actor, "campaign.template-launched", campaign, after: new { templateId = template.Id, template = template.Name, runAt = run.RunAt,
                items = plan.Items.Count, createdById = template.CreatedById }, campaignId: campaign.Id);
        }
        else
        {
            record.Problem = MaxLengths.Truncate(problem, MaxLengths.CampaignTemplateRun.Problem);
            db.Audit(actor, "campaign.template-run-failed", template, after: new { template = template.Name, runAt = run.RunAt, problem });
            await alerts.EnqueueAsync(db, $"template-run-failed-{template.Id}",
                options => EmailMessages.TemplateRunFailed(options, template.Id, template.Name, run.RunAt, problem), now, cancellationToken);
        }
        db.CampaignTemplateRuns.Add(record);
        template.LastRunAt = run.RunAt;
        template.LastCampaignId = record.CampaignId ?? template.LastCampaignId;
        template.LastRunProblem = record.Problem;
        template.NextRunAt = template.NextRunAfter(run.RunAt, now);
        template.Version++;
        await db.SaveChangesAsync(cancellationToken);
        return record;
    }
}

/// <summary>A template's run read as due: the template and the run the job expects to find still next.</summary>
public sealed record DueRun(int TemplateId, DateTimeOffset RunAt);
