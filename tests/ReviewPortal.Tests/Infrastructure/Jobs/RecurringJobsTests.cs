using Hangfire;
using Hangfire.Common;
using Microsoft.Extensions.Configuration;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Tests.Infrastructure.Jobs;

/// <summary>Every recurring job's schedule comes from a setting, so a deployment (or a test of several nodes) can change it.</summary>
public sealed class RecurringJobsTests
{
    private sealed class RecordingManager : IRecurringJobManager
    {
        public Dictionary<string, string> Crons { get; } = [];

        public void AddOrUpdate(string recurringJobId, Job job, string cronExpression, RecurringJobOptions options) =>
            Crons[recurringJobId] = cronExpression;

        public void Trigger(string recurringJobId)
        {
        }

        public void RemoveIfExists(string recurringJobId)
        {
        }
    }

    [Fact]
    public void Register_EverySchedulingSetting_UsedForItsJob()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Ingestion:ActivityCron"] = "1 * * * *",
            ["Ingestion:DirectoryCron"] = "2 * * * *",
            ["Requests:EscalateCron"] = "3 * * * *",
            ["Requests:ExpireCron"] = "4 * * * *",
            ["Requests:ProvisionCron"] = "5 * * * *",
            ["Remediation:Cron"] = "6 * * * *",
            ["Email:SendCron"] = "7 * * * *",
            ["Email:RemindersCron"] = "8 * * * *",
            ["Lifecycle:Cron"] = "9 * * * *",
            ["Ingestion:RetentionCron"] = "10 * * * *",
        };
        var manager = new RecordingManager();

        RecurringJobs.Register(manager, new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

        Assert.Equal(new Dictionary<string, string>
        {
            [RecurringJobs.IngestActivity] = "1 * * * *",
            [RecurringJobs.SyncDirectory] = "2 * * * *",
            [RecurringJobs.EscalateApprovals] = "3 * * * *",
            [RecurringJobs.ExpireGrants] = "4 * * * *",
            [RecurringJobs.ProvisionScheduledRequests] = "5 * * * *",
            [RecurringJobs.ExecuteRemediation] = "6 * * * *",
            [RecurringJobs.SendOutbox] = "7 * * * *",
            [RecurringJobs.SendReminders] = "8 * * * *",
            [RecurringJobs.ApplyLifecycleRules] = "9 * * * *",
            [RecurringJobs.PruneActivityEvents] = "10 * * * *",
        }, manager.Crons);
    }
}
