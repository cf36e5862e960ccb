namespace ReviewPortal.Tests.Infrastructure;

/// <summary>
/// A fact that needs the PostgreSQL server REVIEWPORTAL_TEST_POSTGRES names (a login that may create databases);
/// reported as skipped, saying why, when it is not set. `.ci/run` starts a throwaway cluster and sets it.
/// </summary>
public sealed class PostgresFactAttribute : Xunit.FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresTestDatabase.ServerConnectionString is null)
        {
            Skip = $"PostgreSQL suite: set {PostgresTestDatabase.Variable} to a server connection string to run (README, Test)";
        }
    }
}

/// <summary>The theory counterpart of <see cref="PostgresFactAttribute"/>.</summary>
public sealed class PostgresTheoryAttribute : Xunit.TheoryAttribute
{
    public PostgresTheoryAttribute()
    {
        if (PostgresTestDatabase.ServerConnectionString is null)
        {
            Skip = $"PostgreSQL suite: set {PostgresTestDatabase.Variable} to a server connection string to run (README, Test)";
        }
    }
}

/// <summary>
/// A fact that needs the SQL Server REVIEWPORTAL_TEST_SQLSERVER names (a login that may create and drop databases);
/// reported as skipped, saying why, when it is not set. SQL Server cannot run on the CI machines.
/// </summary>
public sealed class SqlServerFactAttribute : Xunit.FactAttribute
{
    public SqlServerFactAttribute()
    {
        if (SqlServerTestDatabase.ServerConnectionString is null)
        {
            Skip = $"SQL Server suite: set {SqlServerTestDatabase.Variable} to a server connection string to run (README, Test)";
        }
    }
}

/// <summary>The theory counterpart of <see cref="SqlServerFactAttribute"/>.</summary>
public sealed class SqlServerTheoryAttribute : Xunit.TheoryAttribute
{
    public SqlServerTheoryAttribute()
    {
        if (SqlServerTestDatabase.ServerConnectionString is null)
        {
            Skip = $"SQL Server suite: set {SqlServerTestDatabase.Variable} to a server connection string to run (README, Test)";
        }
    }
}
