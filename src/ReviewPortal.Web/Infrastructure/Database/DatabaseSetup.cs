using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
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

        if (provider == DatabaseProvider.Sqlite)
        {
            services.AddDbContextFactory<SqliteReviewPortalDbContext>(o => ConfigureSqlite(o, connectionString));
            services.AddSingleton<IDbContextFactory<ReviewPortalDbContext>>(sp =>
                new BaseContextFactory<SqliteReviewPortalDbContext>(sp.GetRequiredService<IDbContextFactory<SqliteReviewPortalDbContext>>()));
        }
        else
        {
            services.AddDbContextFactory<SqlServerReviewPortalDbContext>(o => ConfigureSqlServer(o, connectionString));
            services.AddSingleton<IDbContextFactory<ReviewPortalDbContext>>(sp =>
                new BaseContextFactory<SqlServerReviewPortalDbContext>(sp.GetRequiredService<IDbContextFactory<SqlServerReviewPortalDbContext>>()));
        }
        services.AddSingleton(new DatabaseConnection(provider, connectionString));
        return services;
    }

    public static void ConfigureSqlite(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString, sqlite => sqlite.MigrationsHistoryTable("__EFMigrationsHistory"))
            .AddInterceptors(Tuning);

    private static readonly SqliteConnectionTuning Tuning = new();

    public static void ConfigureSqlServer(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlServer(connectionString, sql => sql.EnableRetryOnFailure());

    public static DatabaseProvider ParseProvider(string value) => value.Trim().ToLowerInvariant() switch
    {
        "sqlite" => DatabaseProvider.Sqlite,
        "sqlserver" => DatabaseProvider.SqlServer,
        _ => throw new StartupException(
            $"Database:Provider '{value}' is not supported. Use 'Sqlite' (embedded) or 'SqlServer' (production)."),
    };

    private static string ResolveConnectionString(IConfiguration configuration, DatabaseOptions options,
        DatabaseProvider provider, IHostEnvironment environment)
    {
        var configured = configuration.GetConnectionString(DatabaseOptions.ConnectionStringName);
        if (provider == DatabaseProvider.SqlServer)
        {
            if (string.IsNullOrWhiteSpace(configured))
            {
                throw new StartupException(
                    "Database:Provider is SqlServer but ConnectionStrings:ReviewPortal is empty. Set ConnectionStrings__ReviewPortal.");
            }
            Validate(() => new SqlConnectionStringBuilder(configured), "SqlServer");
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
