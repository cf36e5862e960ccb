namespace ReviewPortal.Web.Infrastructure.Database;

public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string ConnectionStringName = "ReviewPortal";

    public string Provider { get; set; } = "Sqlite";
    /// <summary>Where the embedded SQLite file lives when no connection string is given.</summary>
    public string DataFolder { get; set; } = "data";
    /// <summary>Apply migrations at start-up (embedded mode). SQL Server is migrated by the migrate verb.</summary>
    public bool MigrateOnStartup { get; set; } = true;
}
