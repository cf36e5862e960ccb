using Hangfire;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Features.Remediation;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Features.Lifecycle;
using ReviewPortal.Web.Features.People;
using ReviewPortal.Web.Infrastructure.Email;

namespace ReviewPortal.Web.Infrastructure.Jobs;

/// <summary>Every recurring job, with a stable id (its <c>JobName</c>, also the name of its lease), in one place.</summary>
public static class RecurringJobs
{
    // Each id is its job's lease name: one name per job, for the schedule, the lease and the "run now" buttons.
    public const string IngestActivity = IngestActivityJob.JobName;
    public const string SyncDirectory = SyncDirectoryJob.JobName;
    public const string EscalateApprovals = EscalateApprovalsJob.JobName;
    public const string ExpireGrants = ExpireGrantsJob.JobName;
    public const string ProvisionScheduledRequests = ProvisionScheduledRequestsJob.JobName;
    public const string ExecuteRemediation = ExecuteRemediationJob.JobName;
    public const string SendOutbox = SendOutboxJob.JobName;
    public const string SendReminders = SendRemindersJob.JobName;
    public const string ApplyLifecycleRules = ApplyLifecycleRulesJob.JobName;
    public const string PruneActivityEvents = PruneActivityEventsJob.JobName;
    public const string SyncPeople = SyncPeopleJob.JobName;

    public static void Register(IRecurringJobManager jobs, IConfiguration configuration)
    {
        var ingestion = configuration.GetSection(IngestionOptions.Section).Get<IngestionOptions>() ?? new IngestionOptions();
        jobs.AddOrUpdate<IngestActivityJob>(IngestActivity, job => job.RunAsync(CancellationToken.None), ingestion.ActivityCron);
        jobs.AddOrUpdate<SyncDirectoryJob>(SyncDirectory, job => job.RunAsync(CancellationToken.None), ingestion.DirectoryCron);
        jobs.AddOrUpdate<PruneActivityEventsJob>(PruneActivityEvents, job => job.RunAsync(CancellationToken.None), ingestion.RetentionCron);
        // Only Entra ID is read on a schedule; a CSV directory changes when an admin imports a file.
        var people = configuration.GetSection(PeopleOptions.Section).Get<PeopleOptions>() ?? new PeopleOptions();
        if (people.Source == PeopleSource.EntraId)
        {
            jobs.AddOrUpdate<SyncPeopleJob>(SyncPeople, job => job.RunAsync(CancellationToken.None), people.SyncCron);
        }
        else
        {
            jobs.RemoveIfExists(SyncPeople);
        }
        jobs.AddOrUpdate<EscalateApprovalsJob>(EscalateApprovals, job => job.RunAsync(CancellationToken.None),
            configuration["Requests:EscalateCron"] ?? "0 * * * *");
        jobs.AddOrUpdate<ExpireGrantsJob>(ExpireGrants, job => job.RunAsync(CancellationToken.None),
            configuration["Requests:ExpireCron"] ?? "*/15 * * * *");
        jobs.AddOrUpdate<ProvisionScheduledRequestsJob>(ProvisionScheduledRequests, job => job.RunAsync(CancellationToken.None),
            // Every 5 minutes: it also makes the retries of provisioning that failed on approval (Requests:Fulfilment).
            configuration["Requests:ProvisionCron"] ?? "*/5 * * * *");
        jobs.AddOrUpdate<ExecuteRemediationJob>(ExecuteRemediation, job => job.RunAsync(CancellationToken.None), RemediationOptions.From(configuration).Cron);
        var email = configuration.GetSection(EmailOptions.Section).Get<EmailOptions>() ?? new EmailOptions();
        jobs.AddOrUpdate<SendOutboxJob>(SendOutbox, job => job.RunAsync(CancellationToken.None), email.SendCron);
        jobs.AddOrUpdate<SendRemindersJob>(SendReminders, job => job.RunAsync(CancellationToken.None), email.RemindersCron);
        // Hourly; a run with every rule off reads one small table and stops.
        jobs.AddOrUpdate<ApplyLifecycleRulesJob>(ApplyLifecycleRules, job => job.RunAsync(CancellationToken.None),
            configuration["Lifecycle:Cron"] ?? "30 * * * *");
    }
}
