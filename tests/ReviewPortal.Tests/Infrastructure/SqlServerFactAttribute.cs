namespace ReviewPortal.Tests.Infrastructure;

/// <summary>
/// A fact that needs a live SQL Server. It runs only when REVIEWPORTAL_TEST_SQLSERVER holds a
/// connection string (to a server where the test may create and drop a database); otherwise it is
/// reported as skipped, saying why. The one skip in this project, because it is environmental.
/// </summary>
public sealed class SqlServerFactAttribute : Xunit.FactAttribute
{
    public const string Variable = "REVIEWPORTAL_TEST_SQLSERVER";

    public SqlServerFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            Skip = $"set {Variable} to run";
        }
    }

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable);
}
