using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Remediation;
using ReviewPortal.Web.Infrastructure.Jobs;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>
/// Scan and act: every active campaign that asked to close itself (<see cref="CampaignDefinition.AutoClose"/>) and whose
/// due time has passed is closed through the same unit as an admin's Close (<see cref="CloseCampaign.CloseAtDueAsync"/>),
/// as the system, audited. Once any of them asked to apply its results unattended (<see cref="CampaignDefinition.AutoApply"/>),
/// remediation runs in the same job, after the closes committed, batch after batch, so the removals go out without waiting
/// for remediation's schedule (or where it has none). Idempotent: the close re-checks the campaign inside its unit and takes
/// its row first (<see cref="ActiveCampaign"/>), so a second run, or a second node past the lease, finds it closed.
/// </summary>
public sealed class AutoCloseCampaignsJob(
    IDbContextFactory<ReviewPortalDbContext> contexts,
    CloseCampaign close,
    ExecuteRemediationJob remediation,
    RemediationOptions remediationOptions,
    DatabaseLease leases,
    TimeProvider time,
    ILogger<AutoCloseCampaignsJob> logger)
{
    public const string JobName = "auto-close-campaigns";

    public static readonly JobDescriptor<AutoCloseCampaignsJob> Descriptor = new()
    {
        Id = JobName,
        Title = "the automatic close of campaigns",
        Lease = TimeSpan.FromMinutes(10),
        Schedule = JobDescriptor.From<CampaignsOptions>(o => o.AutoCloseCron),
        Run = job => job.RunAsync(CancellationToken.None),
    };

    public Task<AutoCloseResult> RunAsync(CancellationToken cancellationToken = default) =>
        leases.RunExclusiveAsync(Descriptor, RunLeasedAsync, () => new AutoCloseResult(0, 0, null), cancellationToken);

    /// <summary>The run itself, under the job's lease: <paramref name="cancellationToken"/> is cancelled when the lease is lost.</summary>
    private async Task<AutoCloseResult> RunLeasedAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        List<(int Id, bool AutoApply)> due;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            // The options live in the definition's JSON, so they are read here, not filtered in SQL; only due campaigns are read.
            due = (await db.Campaigns.AsNoTracking().Where(c => c.Status == CampaignStatus.Active && c.DueAt <= now)
                    .Select(c => new { c.Id, c.Definition }).ToListAsync(cancellationToken))
                .Where(c => c.Definition.AutoClose).Select(c => (c.Id, c.Definition.AutoApply)).ToList();
        }
        int closed = 0, tasks = 0;
        var apply = false;
        foreach (var (id, autoApply) in due)
        {
            var result = await close.CloseAtDueAsync(id, JobName, $"{JobName}-{id}-{now.UtcTicks}", cancellationToken);
            if (result.Ok)
            {
                closed++;
                tasks += result.Value.RemediationTasks;
                apply |= autoApply && result.Value.RemediationTasks > 0;
                logger.LogInformation("Campaign {CampaignId} closed at its due date: {Defaulted} defaulted, {Tasks} removal tasks",
                    id, result.Value.Defaulted, result.Value.RemediationTasks);
            }
            else if (result.Refusal.Kind != RefusalKind.Conflict)
            {
                // A busy ledger: nothing saved, the next run tries again. A conflict is someone else's close (or a due date moved).
                logger.LogWarning("Campaign {CampaignId} was not closed at its due date: {Reason}", id, result.Refusal.Message);
            }
        }
        var applied = apply ? await ApplyAsync(tasks, cancellationToken) : null;
        return new AutoCloseResult(closed, tasks, applied);
    }

    /// <summary>
    /// Remediation runs until the closes' tasks are through: a run takes one batch, so a campaign with more removals than
    /// that takes a few. It stops early when a run is skipped (another node is running remediation, which takes them) or
    /// stops short of its batch (the API deferred, or nothing more is due); the rest then follow on remediation's schedule.
    /// </summary>
    private async Task<RemediationRunResult> ApplyAsync(int tasks, CancellationToken cancellationToken)
    {
        var batch = Math.Max(1, remediationOptions.BatchSize);
        var total = new RemediationRunResult(false, 0, 0, 0, 0);
        for (var runs = 0; runs <= tasks / batch; runs++)
        {
            var run = await remediation.RunAsync(cancellationToken);
            total = new RemediationRunResult(total.Skipped || run.Skipped, total.Due + run.Due, total.Succeeded + run.Succeeded,
                total.Manual + run.Manual, total.Failed + run.Failed);
            if (run.Skipped || run.Due < batch || run.Succeeded + run.Manual + run.Failed < run.Due)
            {
                break;
            }
        }
        return total;
    }
}

/// <param name="Closed">Campaigns this run closed.</param>
/// <param name="RemediationTasks">Removal tasks their closes opened.</param>
/// <param name="Remediation">The remediation run that followed, when a closed campaign applies its results unattended.</param>
public sealed record AutoCloseResult(int Closed, int RemediationTasks, RemediationRunResult? Remediation);
