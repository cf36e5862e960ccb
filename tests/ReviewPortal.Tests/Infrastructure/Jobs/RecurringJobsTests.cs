using Hangfire;
using Hangfire.Common;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Features.Lifecycle;
using ReviewPortal.Web.Features.Remediation;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Infrastructure;
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

    /// <summary>The portal as it starts, with these settings on top.</summary>
    private sealed class SettingsPortal(IReadOnlyDictionary<string, string?> settings) : PortalAppFactory(seedDemo: false)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            UseSettings(builder, settings);
        }
    }

    [Fact]
    public async Task Register_EverySchedulingSetting_UsedForItsJob()
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
            ["Campaigns:AutoCloseCron"] = "11 * * * *",
            ["Campaigns:TemplatesCron"] = "12 * * * *",
            ["Ingestion:UsageCron"] = "13 * * * *",
        };
        var manager = new RecordingManager();
        await using var portal = new SettingsPortal(settings);

        portal.GetRequiredService<JobRegistry>().Schedule(manager, portal.Services);

        Assert.Equal(new Dictionary<string, string>
        {
            [IngestActivityJob.JobName] = "1 * * * *",
            [SyncDirectoryJob.JobName] = "2 * * * *",
            [EscalateApprovalsJob.JobName] = "3 * * * *",
            [ExpireGrantsJob.JobName] = "4 * * * *",
            [ProvisionScheduledRequestsJob.JobName] = "5 * * * *",
            [ExecuteRemediationJob.JobName] = "6 * * * *",
            [SendOutboxJob.JobName] = "7 * * * *",
            [SendRemindersJob.JobName] = "8 * * * *",
            [ApplyLifecycleRulesJob.JobName] = "9 * * * *",
            [PruneActivityEventsJob.JobName] = "10 * * * *",
            [AutoCloseCampaignsJob.JobName] = "11 * * * *",
            [LaunchCampaignTemplatesJob.JobName] = "12 * * * *",
            [IngestUsageJob.JobName] = "13 * * * *",
        }, manager.Crons);
    }

    [Fact]
    public void Registration_ScheduleSettingNotACron_FailsValidationNamingIt()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Requests:EscalateCron"] = "every hour" }).Build();
        // The portal's own registration (validated on start): the same binding and validation a starting node runs.
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddPortalFeatures().BuildServiceProvider();

        var refused = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<RequestsOptions>());

        Assert.Contains("EscalateCron 'every hour' is not a cron expression", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registry_EveryJobClass_HasItsDescriptor()
    {
        await using var portal = new SettingsPortal(new Dictionary<string, string?>());
        var jobClasses = typeof(IngestActivityJob).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith("ReviewPortal.Web.Features", StringComparison.Ordinal) == true && t.Name.EndsWith("Job", StringComparison.Ordinal)
                && t.GetMethod("RunAsync", [typeof(CancellationToken)]) is not null)
            .Select(t => t.Name).Order().ToList();

        var described = portal.GetRequiredService<JobRegistry>().All.Select(d => d.GetType().GetGenericArguments().Single().Name).Order().ToList();

        Assert.Equal(14, jobClasses.Count);
        Assert.Equal(jobClasses, described);
    }
}
