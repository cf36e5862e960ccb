using Hangfire;

namespace ReviewPortal.Web.Infrastructure.Jobs;

/// <summary>Every recurring job of the portal, by id: what the schedule, the "run now" buttons and the leases read.</summary>
public sealed class JobRegistry
{
    private readonly Dictionary<string, JobDescriptor> _jobs;

    public JobRegistry(IEnumerable<JobDescriptor> jobs) => _jobs = jobs.ToDictionary(j => j.Id, StringComparer.Ordinal);

    public IReadOnlyCollection<JobDescriptor> All => _jobs.Values;

    public JobDescriptor? Find(string id) => _jobs.GetValueOrDefault(id);

    /// <summary>
    /// Puts every job on its schedule, and takes off Hangfire's list a job this configuration does not schedule (a people
    /// sync after the source changed from Entra ID to CSV), so a node started with the new settings stops the old schedule.
    /// </summary>
    public void Schedule(IRecurringJobManager recurring, IServiceProvider services)
    {
        foreach (var job in _jobs.Values)
        {
            if (job.Schedule(services) is { } cron)
            {
                job.AddOrUpdate(recurring, cron);
            }
            else
            {
                recurring.RemoveIfExists(job.Id);
            }
        }
    }
}
