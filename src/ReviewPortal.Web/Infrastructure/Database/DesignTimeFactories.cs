using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using ReviewPortal.Web.Data;

namespace ReviewPortal.Web.Infrastructure.Database;

// `dotnet ef` builds the contexts through these, so it never boots Hangfire, auth or the web host.

public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteReviewPortalDbContext>
{
    public SqliteReviewPortalDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqliteReviewPortalDbContext>();
        DatabaseSetup.ConfigureSqlite(options, "Data Source=design-time.db");
        return new SqliteReviewPortalDbContext(options.Options);
    }
}

public sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerReviewPortalDbContext>
{
    public SqlServerReviewPortalDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqlServerReviewPortalDbContext>();
        DatabaseSetup.ConfigureSqlServer(options, "Server=(design-time);Database=ReviewPortal;Trusted_Connection=True;TrustServerCertificate=True");
        return new SqlServerReviewPortalDbContext(options.Options);
    }
}

public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresReviewPortalDbContext>
{
    public PostgresReviewPortalDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PostgresReviewPortalDbContext>();
        DatabaseSetup.ConfigurePostgres(options, "Host=design-time;Database=reviewportal;Username=reviewportal");
        return new PostgresReviewPortalDbContext(options.Options);
    }
}
