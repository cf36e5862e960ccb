using Microsoft.Data.Sqlite;
using Microsoft.Extensions.FileProviders;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Infrastructure;
using ReviewPortal.Web.Infrastructure.Database;

namespace ReviewPortal.Benchmarks.Support;

/// <summary>The portal's own registrations (database, features, Claude connector) against one database, without the web host.</summary>
internal static class Portal
{
    public static string ConnectionString(string file) =>
        new SqliteConnectionStringBuilder { DataSource = file, Pooling = true }.ToString();

    public static ServiceCollection Services(string databaseFile, IDictionary<string, string?>? extra = null) =>
        Services(BenchDatabase.Sqlite(databaseFile), extra);

    public static ServiceCollection Services(BenchDatabase database, IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>(database.Settings)
        {
            // Live mode against an address that is never dialled: the benchmark swaps the primary handler.
            ["Claude:Mode"] = "Live",
            ["Claude:BaseUrl"] = "https://api.anthropic.com",
            ["Claude:ComplianceKey"] = "sk-ant-api01-benchmark-not-a-key",
            ["Claude:AdminKey"] = "sk-ant-admin01-benchmark-not-a-key",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole(o => o.SingleLine = true)
            .AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Error));
        // Logs go to stderr with the progress lines: stdout carries only the JSON result.
        services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        services.AddPortalDatabase(configuration, new BenchHostEnvironment());
        services.AddPortalFeatures();
        // A launch queues its reviewers' mails (rendered, stored in the outbox; nothing is sent here).
        services.AddPortalEmail(new BenchHostEnvironment());
        services.AddClaudeConnector(configuration);
        return services;
    }

    public static async Task MigrateFreshAsync(IServiceProvider services, string databaseFile)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(databaseFile + suffix);
        }
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
    }

    /// <summary>Replaces the database with an empty one and builds the current schema from the provider's migration set.</summary>
    public static async Task MigrateFreshAsync(IServiceProvider services, BenchDatabase database)
    {
        database.Recreate();
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
    }

    public static void Delete(string databaseFile)
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(databaseFile + suffix);
        }
    }

    internal sealed class BenchHostEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Benchmark";
        public string ApplicationName { get; set; } = "ReviewPortal.Benchmarks";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
