using Hangfire;
using Hangfire.InMemory;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Database;

namespace ReviewPortal.Web.Infrastructure.Jobs;

public static class JobsSetup
{
    /// <summary>
    /// Hangfire with in-memory storage in embedded mode (durable job state lives in the app
    /// database, so nothing is lost on restart) or SQL Server storage in production.
    /// </summary>
    public static IServiceCollection AddPortalJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(HangfireOptions.Section).Get<HangfireOptions>() ?? new();
        services.AddSingleton(options);
        services.AddSingleton<AdminJobQueue>();
        services.AddHangfire((sp, config) =>
        {
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            if (string.Equals(options.Storage, "SqlServer", StringComparison.OrdinalIgnoreCase))
            {
                config.UseSqlServerStorage(sp.GetRequiredService<DatabaseConnection>().ConnectionString);
            }
            else
            {
                config.UseInMemoryStorage(new InMemoryStorageOptions { MaxExpirationTime = TimeSpan.FromHours(6) });
            }
        });
        if (options.RunServer)
        {
            services.AddHangfireServer(o =>
            {
                o.WorkerCount = options.WorkerCount;
                o.SchedulePollingInterval = TimeSpan.FromSeconds(5);
            });
        }
        return services;
    }

    public static IEndpointRouteBuilder MapPortalJobsDashboard(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHangfireDashboardWithAuthorizationPolicy(Policies.Admin, "/hangfire",
            new DashboardOptions { DisplayStorageConnectionString = false, DashboardTitle = "ReviewPortal jobs" });
        return endpoints;
    }

    public static WebApplication UsePortalRecurringJobs(this WebApplication app)
    {
        // Built now, not on first use: Hangfire builds its client from process-wide state (JobStorage.Current and a log
        // provider over the last-configured app's logger factory). Where one process hosts several apps (the test suites),
        // a client first built later could take another app's storage, or that app's disposed logger factory.
        _ = app.Services.GetRequiredService<IBackgroundJobClient>();
        if (app.Services.GetRequiredService<HangfireOptions>().RunServer)
        {
            RecurringJobs.Register(app.Services.GetRequiredService<IRecurringJobManager>(), app.Configuration);
        }
        return app;
    }
}

public sealed class HangfireOptions
{
    public const string Section = "Hangfire";
    /// <summary>InMemory (embedded) or SqlServer (production, uses ConnectionStrings:ReviewPortal).</summary>
    public string Storage { get; set; } = "InMemory";
    public bool RunServer { get; set; } = true;
    public int WorkerCount { get; set; } = 4;
}
