using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Features.Lifecycle;
using ReviewPortal.Web.Features.People;
using ReviewPortal.Web.Features.Remediation;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Database;

namespace ReviewPortal.Web.Infrastructure.Jobs;

public static class JobsSetup
{
    /// <summary>
    /// Hangfire with in-memory storage in embedded mode (durable job state lives in the app
    /// database, so nothing is lost on restart), or SQL Server / PostgreSQL storage in the app's
    /// server database, shared by every node.
    /// </summary>
    public static IServiceCollection AddPortalJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(HangfireOptions.Section).Get<HangfireOptions>() ?? new();
        var storage = ParseStorage(options.Storage);
        var database = DatabaseSetup.ParseProvider(configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>()?.Provider ?? "Sqlite");
        if (storage != HangfireStorage.InMemory && storage != StorageFor(database))
        {
            // The server storages live in the app database (ConnectionStrings:ReviewPortal), so they need its engine.
            throw new StartupException(
                $"Hangfire:Storage is {storage} but Database:Provider is {database}; Hangfire keeps its jobs in the app database. " +
                $"Set Hangfire__Storage={StorageFor(database)}.");
        }
        services.AddSingleton(options);
        services.AddSingleton(Registry);
        services.AddSingleton<RequestedJobQueue>();
        services.AddScoped<RunJobNow>();
        services.AddHangfire((sp, config) =>
        {
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings()
                .UseLogProvider(new DisposalTolerantLogProvider(sp.GetRequiredService<ILoggerFactory>()));
            var connectionString = sp.GetRequiredService<DatabaseConnection>().ConnectionString;
            switch (storage)
            {
                case HangfireStorage.SqlServer:
                    config.UseSqlServerStorage(connectionString);
                    break;
                case HangfireStorage.Postgres:
                    // Its own schema beside the app's tables, installed by the migrate verb (InstallSchemaAsync); each start checks it too.
                    // Long polling (LISTEN/NOTIFY) wakes the idle workers of every node when any node queues a job; without
                    // it only the queuing node's workers hear of it, the others poll every 15 s, and a "run now" clicked on
                    // a node without workers waits for that poll.
                    config.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connectionString),
                        new PostgreSqlStorageOptions { SchemaName = PostgresSchema, PrepareSchemaIfNecessary = true, EnableLongPolling = true });
                    break;
                default:
                    config.UseInMemoryStorage(new InMemoryStorageOptions { MaxExpirationTime = TimeSpan.FromHours(6) });
                    break;
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

    /// <summary>Every recurring job, each described beside its class (ADR 0013).</summary>
    private static readonly JobRegistry Registry = new([
        IngestActivityJob.Descriptor,
        IngestUsageJob.Descriptor,
        SyncDirectoryJob.Descriptor,
        PruneActivityEventsJob.Descriptor,
        SyncPeopleJob.Descriptor,
        EscalateApprovalsJob.Descriptor,
        ExpireGrantsJob.Descriptor,
        ProvisionScheduledRequestsJob.Descriptor,
        ExecuteRemediationJob.Descriptor,
        SendOutboxJob.Descriptor,
        SendRemindersJob.Descriptor,
        ApplyLifecycleRulesJob.Descriptor,
        AutoCloseCampaignsJob.Descriptor,
        LaunchCampaignTemplatesJob.Descriptor,
    ]);

    /// <summary>The schema Hangfire's tables live in on PostgreSQL.</summary>
    public const string PostgresSchema = "hangfire";

    /// <summary>
    /// Installs (or upgrades) Hangfire's tables on PostgreSQL, for the <c>migrate</c> deployment step: nodes then start on a
    /// ready schema instead of racing to create it (each still checks, PrepareSchemaIfNecessary, and finds nothing to do).
    /// Returns the schema, or null on a provider whose storage prepares itself on first start.
    /// </summary>
    public static async Task<string?> InstallSchemaAsync(DatabaseConnection database, CancellationToken cancellationToken = default)
    {
        if (database.Provider != DatabaseProvider.Postgres)
        {
            return null;
        }
        await using var connection = new Npgsql.NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        PostgreSqlObjectsInstaller.Install(connection, PostgresSchema);
        return PostgresSchema;
    }

    public static HangfireStorage ParseStorage(string value) => value.Trim().ToLowerInvariant() switch
    {
        "inmemory" => HangfireStorage.InMemory,
        "sqlserver" => HangfireStorage.SqlServer,
        "postgres" or "postgresql" => HangfireStorage.Postgres,
        // A typo must not quietly fall back to a per-node in-memory queue.
        _ => throw new StartupException(
            $"Hangfire:Storage '{value}' is not supported. Use 'InMemory' (one node), 'SqlServer' or 'Postgres' (the app database's server)."),
    };

    /// <summary>The Hangfire storage that belongs with a database provider.</summary>
    public static HangfireStorage StorageFor(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.SqlServer => HangfireStorage.SqlServer,
        DatabaseProvider.Postgres => HangfireStorage.Postgres,
        _ => HangfireStorage.InMemory,
    };

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
            app.Services.GetRequiredService<JobRegistry>().Schedule(app.Services.GetRequiredService<IRecurringJobManager>(), app.Services);
        }
        return app;
    }
}

public sealed class HangfireOptions
{
    public const string Section = "Hangfire";
    /// <summary>InMemory (one node), or SqlServer / Postgres (several nodes; in the app database, ConnectionStrings:ReviewPortal).</summary>
    public string Storage { get; set; } = "InMemory";
    public bool RunServer { get; set; } = true;
    public int WorkerCount { get; set; } = 4;
}

public enum HangfireStorage
{
    InMemory,
    SqlServer,
    Postgres,
}
