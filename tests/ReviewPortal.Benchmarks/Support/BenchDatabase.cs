using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using ReviewPortal.Web.Data;

namespace ReviewPortal.Benchmarks.Support;

/// <summary>
/// One benchmark database on one engine: a SQLite file, or a database of its own on the PostgreSQL server that
/// <c>--postgres</c> (or REVIEWPORTAL_BENCH_POSTGRES) names. The portal reaches it through its ordinary settings
/// (Database:Provider and ConnectionStrings:ReviewPortal), so every verb runs the same code on either engine.
/// </summary>
internal abstract class BenchDatabase
{
    public const string PostgresVariable = "REVIEWPORTAL_BENCH_POSTGRES";

    public abstract DatabaseProvider Provider { get; }
    public abstract string ConnectionString { get; }
    /// <summary>"sqlite" or "postgres": the prefix of this engine's figures when a run measures both.</summary>
    public string Label => Provider == DatabaseProvider.Postgres ? "postgres" : "sqlite";

    public IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Database:Provider"] = Provider.ToString(),
        ["ConnectionStrings:ReviewPortal"] = ConnectionString,
    };

    public static BenchDatabase Sqlite(string file) => new SqliteBenchDatabase(file);

    public static BenchDatabase Postgres(Args args, string name) => new PostgresBenchDatabase(PostgresServer(args), name);

    /// <summary>The providers a run measures: <c>--provider sqlite|postgres|both</c> (default sqlite).</summary>
    public static IReadOnlyList<string> Providers(Args args) => args.String("provider", "sqlite").ToLowerInvariant() switch
    {
        "sqlite" => ["sqlite"],
        "postgres" or "postgresql" => ["postgres"],
        "both" => ["sqlite", "postgres"],
        var other => throw new ArgumentException($"--provider {other}: use sqlite, postgres or both."),
    };

    public static string PostgresServer(Args args) =>
        args.String("postgres", Environment.GetEnvironmentVariable(PostgresVariable) ?? "") is { Length: > 0 } server
            ? server
            : throw new ArgumentException($"PostgreSQL benchmarks need a server: --postgres \"Host=…;Port=…;Username=…\" or {PostgresVariable}.");

    /// <summary>Removes the database (the file, or the PostgreSQL database).</summary>
    public abstract void Drop();

    /// <summary>An empty, unmigrated database: the next <c>DatabaseMigrator.MigrateAsync</c> builds the current schema from scratch.</summary>
    public abstract void Recreate();

    public abstract bool Exists();

    /// <summary>Bytes on disk (a SQLite file with its WAL; a PostgreSQL database as pg_database_size reports it).</summary>
    public abstract long SizeBytes();

    /// <summary>
    /// CPU seconds the database engine has used so far outside this process: the PostgreSQL cluster's processes when
    /// the server runs on this machine (SQLite runs inside the process, so its CPU is already in the process's own).
    /// </summary>
    public virtual double ServerCpuSeconds() => 0;

    /// <summary>Version and settings of the engine, for the report.</summary>
    public virtual object Describe() => new { engine = "SQLite", version = SqliteVersion() };

    private static string SqliteVersion()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sqlite_version()";
        return (string)command.ExecuteScalar()!;
    }
}

internal sealed class SqliteBenchDatabase(string file) : BenchDatabase
{
    public string File { get; } = file;
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
    public override string ConnectionString => Portal.ConnectionString(File);

    public override void Drop() => Portal.Delete(File);

    public override void Recreate() => Portal.Delete(File);

    public override bool Exists() => System.IO.File.Exists(File);

    public override long SizeBytes() =>
        new[] { "", "-wal" }.Select(s => new FileInfo(File + s)).Where(f => f.Exists).Sum(f => f.Length);
}

internal sealed class PostgresBenchDatabase : BenchDatabase
{
    private readonly string _server;
    private readonly int? _postmaster;

    public PostgresBenchDatabase(string server, string name)
    {
        _server = server;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
        _postmaster = FindPostmaster(server);
    }

    public string Name { get; }
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
    public override string ConnectionString { get; }

    public override void Drop()
    {
        NpgsqlConnection.ClearAllPools();
        Admin($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
    }

    // Created here rather than by EF's migrator, which would first log a failed connection to the missing database.
    public override void Recreate()
    {
        Drop();
        Admin($"CREATE DATABASE \"{Name}\"");
    }

    public override bool Exists() =>
        (long)Admin($"SELECT count(*) FROM pg_database WHERE datname = '{Name}'")! > 0;

    /// <summary>Renames this database (a build completes under a temporary name, so an interrupted one is never reused).</summary>
    public void RenameTo(string name)
    {
        NpgsqlConnection.ClearAllPools();
        Admin($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        Admin($"ALTER DATABASE \"{Name}\" RENAME TO \"{name}\"");
    }

    public override long SizeBytes() => (long)Admin($"SELECT pg_database_size('{Name}')")!;

    /// <summary>A copy of this database under another name (CREATE DATABASE … TEMPLATE: a file copy, no replay).</summary>
    public PostgresBenchDatabase CloneAs(string name)
    {
        NpgsqlConnection.ClearAllPools();
        Admin($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        Admin($"CREATE DATABASE \"{name}\" TEMPLATE \"{Name}\"");
        return new PostgresBenchDatabase(_server, name);
    }

    public override double ServerCpuSeconds() => _postmaster is { } pid ? ClusterCpuSeconds(pid) : double.NaN;

    public override object Describe()
    {
        using var connection = new NpgsqlConnection(_server);
        connection.Open();
        string Show(string setting)
        {
            using var command = new NpgsqlCommand($"SHOW {setting}", connection);
            return (string)command.ExecuteScalar()!;
        }
        return new
        {
            engine = "PostgreSQL",
            version = Show("server_version"),
            fsync = Show("fsync"),
            synchronousCommit = Show("synchronous_commit"),
            fullPageWrites = Show("full_page_writes"),
            walLevel = Show("wal_level"),
            sharedBuffers = Show("shared_buffers"),
            maxWalSize = Show("max_wal_size"),
            checkpointTimeout = Show("checkpoint_timeout"),
            workMem = Show("work_mem"),
            serverCpuMeasured = _postmaster is not null,
        };
    }

    private object? Admin(string sql)
    {
        using var connection = new NpgsqlConnection(_server);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return command.ExecuteScalar();
    }

    /// <summary>The postmaster's process id, when the server runs on this machine (the parent of this session's backend).</summary>
    private static int? FindPostmaster(string server)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        using var connection = new NpgsqlConnection(server);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        var backend = (int)command.ExecuteScalar()!;
        // A remote server's backend id means nothing here: only a local postgres process whose parent is one counts.
        return IsPostgres(backend) && Stat(backend) is { } stat && IsPostgres(stat.ParentId) ? stat.ParentId : null;
    }

    private static bool IsPostgres(int pid)
    {
        try
        {
            return System.IO.File.ReadAllText($"/proc/{pid}/comm").Trim() is "postgres" or "postmaster";
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// The cluster's CPU: the postmaster's own and that of the children it has reaped (ended sessions), plus every child
    /// still running (sessions, WAL writer, checkpointer, background writer, autovacuum). The benchmark cluster is the
    /// benchmark's own, so this is the server side of what is measured.
    /// </summary>
    private static double ClusterCpuSeconds(int postmaster)
    {
        var ticks = 0L;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && Stat(pid) is { } stat)
            {
                if (pid == postmaster)
                {
                    ticks += stat.Own + stat.Children;
                }
                else if (stat.ParentId == postmaster)
                {
                    ticks += stat.Own;
                }
            }
        }
        return ticks / (double)ClockTicksPerSecond;
    }

    // USER_HZ: 100 on every Linux the portal runs on (sysconf(_SC_CLK_TCK)).
    private const int ClockTicksPerSecond = 100;

    private static (int ParentId, long Own, long Children)? Stat(int pid)
    {
        try
        {
            var text = System.IO.File.ReadAllText($"/proc/{pid}/stat");
            // The command name is in parentheses and may contain spaces: fields are counted after the last ')'.
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
            return ((int)Field(4), Field(14) + Field(15), Field(16) + Field(17));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
