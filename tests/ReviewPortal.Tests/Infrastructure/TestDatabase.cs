using System.Data.Common;
using System.Reflection;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Database;

namespace ReviewPortal.Tests.Infrastructure;

/// <summary>
/// The database engine a test assembly runs its integration tests on. The same test sources are compiled into one
/// assembly per engine (ReviewPortal.Tests on SQLite, ReviewPortal.Tests.Postgres, ReviewPortal.Tests.SqlServer), each
/// naming its engine with this attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class TestSuiteProviderAttribute(DatabaseProvider provider) : Attribute
{
    public DatabaseProvider Provider { get; } = provider;

    /// <summary>This assembly's engine.</summary>
    public static DatabaseProvider Current { get; } =
        typeof(TestSuiteProviderAttribute).Assembly.GetCustomAttribute<TestSuiteProviderAttribute>()?.Provider ?? DatabaseProvider.Sqlite;
}

/// <summary>
/// One empty, migrated database for one portal under test, dropped on dispose. SQLite: a file in a temp folder.
/// PostgreSQL and SQL Server: a database of its own on the server named by REVIEWPORTAL_TEST_POSTGRES /
/// REVIEWPORTAL_TEST_SQLSERVER (a login that may create databases).
/// </summary>
public abstract class TestDatabase : IDisposable
{
    public abstract DatabaseProvider Provider { get; }
    public abstract string ConnectionString { get; }

    /// <summary>The settings that point a portal (in process or a child process) at this database.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Database:Provider"] = Provider.ToString(),
        ["ConnectionStrings:ReviewPortal"] = ConnectionString,
    };

    /// <summary>The same settings as environment variables of a child process.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables =>
        Settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);

    public static TestDatabase Create(string folder) => TestSuiteProviderAttribute.Current switch
    {
        DatabaseProvider.Postgres => new PostgresTestDatabase(),
        DatabaseProvider.SqlServer => new SqlServerTestDatabase(),
        _ => new SqliteTestDatabase(Path.Combine(folder, "portal.db")),
    };

    /// <summary>A connection outside the portal, as an operator (or an attacker with database access) would have.</summary>
    public abstract DbConnection OpenConnection();

    /// <summary>Runs one statement outside the portal; returns the rows it changed.</summary>
    public int Execute(string sql)
    {
        using var connection = OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    /// <summary>What someone with write access to the database does first: remove the ledger's append-only guard.</summary>
    public abstract void DropLedgerGuard();

    /// <summary>
    /// Takes the audit ledger's lock from a connection outside the portal, as another node's long save holds it, until
    /// the holder is released: SQLite's write lock (BEGIN IMMEDIATE), PostgreSQL's advisory lock, SQL Server's application lock.
    /// </summary>
    public LedgerLockHolder HoldLedgerLock()
    {
        var connection = OpenConnection();
        var transaction = connection.BeginTransaction();
        if (LedgerLockStatement is { } sql)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
        return new LedgerLockHolder(connection, transaction);
    }

    /// <summary>The statement that takes the ledger lock inside an open transaction (none on SQLite: BEGIN IMMEDIATE took it).</summary>
    protected abstract string? LedgerLockStatement { get; }

    public abstract void Dispose();
}

/// <summary>An outside connection holding the ledger lock in its open transaction; releasing rolls the transaction back.</summary>
public sealed class LedgerLockHolder(DbConnection connection, DbTransaction transaction) : IDisposable
{
    private bool _released;

    public void Release()
    {
        if (!_released)
        {
            _released = true;
            transaction.Rollback();
            transaction.Dispose();
            connection.Dispose();
        }
    }

    public void Dispose() => Release();
}

public sealed class SqliteTestDatabase(string path) : TestDatabase
{
    public string Path { get; } = path;
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
    public override string ConnectionString => $"Data Source={Path}";

    public override DbConnection OpenConnection()
    {
        var connection = new SqliteConnection($"Data Source={Path};Pooling=False");
        connection.Open();
        return connection;
    }

    public override void DropLedgerGuard() => Execute("DROP TRIGGER AuditEntries_NoUpdate; DROP TRIGGER AuditEntries_NoDelete;");

    // Microsoft.Data.Sqlite begins with BEGIN IMMEDIATE: the database's write lock, which is the ledger lock.
    protected override string? LedgerLockStatement => null;

    // The portal migrates its own embedded file at start-up; the folder is deleted by the factory.
    public override void Dispose() => SqliteConnection.ClearAllPools();
}

/// <summary>
/// A database cloned from a template migrated once per test run (CREATE DATABASE … TEMPLATE copies files: ~50 ms, not
/// the seconds of applying every migration). The template's name carries the build's identity, so a changed model
/// never reuses an old template.
/// </summary>
public sealed class PostgresTestDatabase : TestDatabase
{
    public const string Variable = "REVIEWPORTAL_TEST_POSTGRES";

    private static readonly Lock TemplateLock = new();
    private static string? _template;

    public PostgresTestDatabase()
    {
        var server = ServerConnectionString ?? throw new InvalidOperationException($"Set {Variable} to run the PostgreSQL suite.");
        var template = EnsureTemplate(server);
        Name = $"rp_test_{Guid.NewGuid():N}";
        using (var admin = new NpgsqlConnection(server))
        {
            admin.Open();
            using var create = admin.CreateCommand();
            create.CommandText = $"CREATE DATABASE \"{Name}\" TEMPLATE \"{template}\"";
            create.ExecuteNonQuery();
        }
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = Name }.ToString();
    }

    public static string? ServerConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    public string Name { get; }
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
    public override string ConnectionString { get; }

    public override DbConnection OpenConnection()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public override void DropLedgerGuard() => Execute("""
        DROP TRIGGER "AuditEntries_AppendOnly" ON "AuditEntries"; DROP TRIGGER "AuditEntries_NoTruncate" ON "AuditEntries";
        """);

    protected override string? LedgerLockStatement => $"SELECT pg_advisory_xact_lock({AuditStatements.PostgresLedgerLockKey})";

    public override void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        using var admin = new NpgsqlConnection(ServerConnectionString);
        admin.Open();
        using var drop = admin.CreateCommand();
        drop.CommandText = $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)";
        drop.ExecuteNonQuery();
    }

    private static string EnsureTemplate(string server)
    {
        lock (TemplateLock)
        {
            if (_template is not null)
            {
                return _template;
            }
            var build = typeof(ReviewPortalDbContext).Assembly.ManifestModule.ModuleVersionId.ToString("N")[..12];
            var name = $"rp_template_{build}";
            using var admin = new NpgsqlConnection(server);
            admin.Open();
            // Several test processes may start at once: one builds the template under an advisory lock, the others wait.
            using (var lockCommand = admin.CreateCommand())
            {
                lockCommand.CommandText = "SELECT pg_advisory_lock(7244001)";
                lockCommand.ExecuteNonQuery();
            }
            try
            {
                using var exists = admin.CreateCommand();
                exists.CommandText = $"SELECT count(*) FROM pg_database WHERE datname = '{name}'";
                if ((long)exists.ExecuteScalar()! == 0)
                {
                    Build(server, name);
                }
            }
            finally
            {
                using var unlock = admin.CreateCommand();
                unlock.CommandText = "SELECT pg_advisory_unlock(7244001)";
                unlock.ExecuteNonQuery();
            }
            return _template = name;
        }
    }

    private static void Build(string server, string name)
    {
        var building = $"{name}_building";
        using (var admin = new NpgsqlConnection(server))
        {
            admin.Open();
            using var create = admin.CreateCommand();
            create.CommandText = $"DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE); CREATE DATABASE \"{building}\"";
            create.ExecuteNonQuery();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = building }.ToString();
        var options = new DbContextOptionsBuilder<PostgresReviewPortalDbContext>();
        DatabaseSetup.ConfigurePostgres(options, connectionString);
        using (var db = new PostgresReviewPortalDbContext(options.Options))
        {
            db.Database.Migrate();
        }
        NpgsqlConnection.ClearAllPools();
        using (var admin = new NpgsqlConnection(server))
        {
            admin.Open();
            using var rename = admin.CreateCommand();
            // Renamed only once complete, so a crashed build never leaves a half-migrated template behind.
            rename.CommandText = $"ALTER DATABASE \"{building}\" RENAME TO \"{name}\"";
            rename.ExecuteNonQuery();
        }
    }
}

/// <summary>A database of its own on the server REVIEWPORTAL_TEST_SQLSERVER names, migrated on creation.</summary>
public sealed class SqlServerTestDatabase : TestDatabase
{
    public const string Variable = "REVIEWPORTAL_TEST_SQLSERVER";

    public SqlServerTestDatabase()
    {
        var server = ServerConnectionString ?? throw new InvalidOperationException($"Set {Variable} to run the SQL Server suite.");
        Name = $"rp_test_{Guid.NewGuid():N}";
        ConnectionString = new SqlConnectionStringBuilder(server) { InitialCatalog = Name }.ToString();
        var options = new DbContextOptionsBuilder<SqlServerReviewPortalDbContext>();
        DatabaseSetup.ConfigureSqlServer(options, ConnectionString);
        using var db = new SqlServerReviewPortalDbContext(options.Options);
        db.Database.Migrate();
    }

    public static string? ServerConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    public string Name { get; }
    public override DatabaseProvider Provider => DatabaseProvider.SqlServer;
    public override string ConnectionString { get; }

    public override DbConnection OpenConnection()
    {
        var connection = new SqlConnection(new SqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public override void DropLedgerGuard() => Execute("DROP TRIGGER [dbo].[AuditEntries_AppendOnly]");

    protected override string? LedgerLockStatement =>
        "EXEC sp_getapplock @Resource = 'audit-ledger', @LockMode = 'Exclusive', @LockOwner = 'Transaction'";

    public override void Dispose()
    {
        SqlConnection.ClearAllPools();
        using var admin = new SqlConnection(ServerConnectionString);
        admin.Open();
        using var drop = admin.CreateCommand();
        drop.CommandText = $"ALTER DATABASE [{Name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{Name}]";
        drop.ExecuteNonQuery();
    }
}
