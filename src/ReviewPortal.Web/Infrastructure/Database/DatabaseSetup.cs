using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ReviewPortal.Web.Data;

namespace ReviewPortal.Web.Infrastructure.Database;

public static class DatabaseSetup
{
    /// <summary>Registers <see cref="IDbContextFactory{ReviewPortalDbContext}"/> for the configured provider.</summary>
    public static IServiceCollection AddPortalDatabase(this IServiceCollection services, IConfiguration configuration,
        IHostEnvironment environment)
    {
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new();
        services.AddSingleton(options);
        var provider = ParseProvider(options.Provider);
        var connectionString = ResolveConnectionString(configuration, options, provider, environment);
        var ledgerLock = options.LedgerLock;
        if (ledgerLock.Timeout <= TimeSpan.Zero || ledgerLock.Attempts < 1)
        {
            throw new StartupException(
                $"Database:LedgerLockTimeout must be positive and Database:LedgerLockAttempts at least 1 (they are {ledgerLock.Timeout} and {ledgerLock.Attempts}).");
        }

        if (provider == DatabaseProvider.Sqlite)
        {
            services.AddDbContextFactory<SqliteReviewPortalDbContext>(o => ConfigureSqlite(o, connectionString, ledgerLock));
            services.AddSingleton<IDbContextFactory<ReviewPortalDbContext>>(sp =>
                new BaseContextFactory<SqliteReviewPortalDbContext>(sp.GetRequiredService<IDbContextFactory<SqliteReviewPortalDbContext>>()));
        }
        else if (provider == DatabaseProvider.SqlServer)
        {
            services.AddDbContextFactory<SqlServerReviewPortalDbContext>(o => ConfigureSqlServer(o, connectionString, ledgerLock));
            services.AddSingleton<IDbContextFactory<ReviewPortalDbContext>>(sp =>
                new BaseContextFactory<SqlServerReviewPortalDbContext>(sp.GetRequiredService<IDbContextFactory<SqlServerReviewPortalDbContext>>()));
        }
        else
        {
            services.AddDbContextFactory<PostgresReviewPortalDbContext>(o => ConfigurePostgres(o, connectionString, ledgerLock));
            services.AddSingleton<IDbContextFactory<ReviewPortalDbContext>>(sp =>
                new BaseContextFactory<PostgresReviewPortalDbContext>(sp.GetRequiredService<IDbContextFactory<PostgresReviewPortalDbContext>>()));
        }
        services.AddSingleton(new DatabaseConnection(provider, connectionString));
        // Only for Data Protection's key store, which resolves its context from a scope; the portal's own code takes a
        // context per operation from the factory.
        services.AddScoped<ReviewPortalDbContext>(sp => sp.GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>().CreateDbContext());
        // Every job's lease is a row of this database, on its clock (ADR 0009).
        services.AddSingleton<Jobs.DatabaseLease>();
        return services;
    }

    public static void ConfigureSqlite(DbContextOptionsBuilder options, string connectionString, LedgerLockOptions? ledgerLock = null) =>
        options.UseSqlite(connectionString, sqlite => sqlite.MigrationsHistoryTable("__EFMigrationsHistory"))
            .AddInterceptors(Tuning)
            .UseLedgerLock(ledgerLock ?? LedgerLockOptions.Default);

    private static readonly SqliteConnectionTuning Tuning = new();

    // Connection resiliency stays on for the server providers: their retrying strategies re-run a whole unit of work
    // (Data/UnitOfWork.cs), never half of one. A wait for the ledger lock that runs out is retried by the ledger's own
    // bounded loop (Data/LedgerLock.cs), not by these strategies.
    public static void ConfigureSqlServer(DbContextOptionsBuilder options, string connectionString, LedgerLockOptions? ledgerLock = null) =>
        options.UseSqlServer(connectionString, sql => sql.EnableRetryOnFailure())
            .UseLedgerLock(ledgerLock ?? LedgerLockOptions.Default);

    public static void ConfigurePostgres(DbContextOptionsBuilder options, string connectionString, LedgerLockOptions? ledgerLock = null) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.EnableRetryOnFailure())
            .UseLedgerLock(ledgerLock ?? LedgerLockOptions.Default);

    public static DatabaseProvider ParseProvider(string value) => value.Trim().ToLowerInvariant() switch
    {
        "sqlite" => DatabaseProvider.Sqlite,
        "sqlserver" => DatabaseProvider.SqlServer,
        "postgres" or "postgresql" => DatabaseProvider.Postgres,
        _ => throw new StartupException(
            $"Database:Provider '{value}' is not supported. Use 'Sqlite' (embedded), 'SqlServer' or 'Postgres' (production)."),
    };

    /// <summary>SQL Server and PostgreSQL: the databases several nodes can share.</summary>
    public static bool IsServer(this DatabaseProvider provider) => provider != DatabaseProvider.Sqlite;

    private static string ResolveConnectionString(IConfiguration configuration, DatabaseOptions options,
        DatabaseProvider provider, IHostEnvironment environment)
    {
        var configured = configuration.GetConnectionString(DatabaseOptions.ConnectionStringName);
        if (provider.IsServer())
        {
            if (string.IsNullOrWhiteSpace(configured))
            {
                throw new StartupException(
                    $"Database:Provider is {provider} but ConnectionStrings:ReviewPortal is empty. Set ConnectionStrings__ReviewPortal.");
            }
            if (provider == DatabaseProvider.SqlServer)
            {
                Validate(() => new SqlConnectionStringBuilder(configured), "SqlServer");
            }
            else
            {
                Validate(() => new NpgsqlConnectionStringBuilder(configured), "Postgres");
            }
            return configured;
        }

        if (string.IsNullOrWhiteSpace(configured))
        {
            var folder = Path.GetFullPath(options.DataFolder, environment.ContentRootPath);
            Directory.CreateDirectory(folder);
            return new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(folder, "reviewportal.db"),
                Pooling = true,
            }.ToString();
        }

        var builder = Validate(() => new SqliteConnectionStringBuilder(configured), "Sqlite");
        if (builder.DataSource is { Length: > 0 } file && builder.Mode != SqliteOpenMode.Memory
            && Path.GetDirectoryName(Path.GetFullPath(file)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }
        return configured;
    }

    private static T Validate<T>(Func<T> parse, string provider) where T : DbConnectionStringBuilder
    {
        try
        {
            return parse();
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new StartupException($"ConnectionStrings:ReviewPortal is not a valid {provider} connection string: {ex.Message}");
        }
    }

    private sealed class BaseContextFactory<T>(IDbContextFactory<T> inner) : IDbContextFactory<ReviewPortalDbContext>
        where T : ReviewPortalDbContext
    {
        public ReviewPortalDbContext CreateDbContext() => inner.CreateDbContext();
    }
}

/// <summary>The resolved provider and connection string (for the bulk-ingestion path and health checks).</summary>
public sealed record DatabaseConnection(DatabaseProvider Provider, string ConnectionString);
