using Hangfire;

namespace ReviewPortal.Web.Infrastructure.Jobs;

/// <summary>Every recurring job, with a stable id, in one place.</summary>
public static class RecurringJobs
{
    public static void Register(IRecurringJobManager jobs, IConfiguration configuration)
    {
        // Ingestion, sync, reminders and remediation register here as their features land.
        _ = jobs;
        _ = configuration;
    }
}
