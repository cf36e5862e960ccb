using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ReviewPortal.Tests.Infrastructure.Operations;

/// <summary>
/// The executable's verbs and start-up refusals, run as the operator runs them: a child process,
/// judged by exit code and what it prints. Mistakes give one clear line, never a stack trace.
/// </summary>
public sealed class OperationsVerbTests : IDisposable
{
    private const string StackFrame = "   at ";
    private readonly PortalProcess _portal = new();

    public void Dispose() => _portal.Dispose();

    private static void AssertOneClearLine(PortalProcess.Result result, string expectedStart)
    {
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.NotEmpty(result.ErrLines);
        Assert.StartsWith(expectedStart, result.ErrLines[0]);
        Assert.DoesNotContain(StackFrame, result.StdErr);
        Assert.DoesNotContain(StackFrame, result.StdOut);
        Assert.DoesNotContain("Unhandled exception", result.StdErr);
    }

    [Fact]
    public async Task UnknownVerb_Bogus_ExitsNonZeroWithUsage()
    {
        var result = await _portal.RunAsync(new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" }, "bogus");

        AssertOneClearLine(result, "reviewportal: unknown verb");
        Assert.Contains("'bogus'", result.ErrLines[0]);
        Assert.Contains(result.ErrLines, l => l.Contains("migrate"));
    }

    [Fact]
    public async Task Migrate_SqliteFile_ExitsZeroWithJsonSummaryLast()
    {
        var database = Path.Combine(_portal.WorkingDirectory, "m.db");

        var result = await _portal.RunAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Database__Provider"] = "Sqlite",
            ["ConnectionStrings__ReviewPortal"] = $"Data Source={database}",
        }, "migrate");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var summary = JsonDocument.Parse(result.OutLines[^1]);
        Assert.True(summary.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal("migrate", summary.RootElement.GetProperty("verb").GetString());
        Assert.Equal("Sqlite", summary.RootElement.GetProperty("result").GetProperty("provider").GetString());
        Assert.NotEqual(0, summary.RootElement.GetProperty("result").GetProperty("applied").GetArrayLength());
        Assert.DoesNotContain(StackFrame, result.StdOut + result.StdErr);

        await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        // The two append-only triggers and the one feeding the free-text index.
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'AuditEntries'";
        Assert.Equal(3L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Migrate_ProductionWithoutSignInSettings_RunsAsADeploymentStep()
    {
        var database = Path.Combine(_portal.WorkingDirectory, "prod.db");

        var result = await _portal.RunAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Database__Provider"] = "Sqlite",
            ["ConnectionStrings__ReviewPortal"] = $"Data Source={database}",
        }, "migrate");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var summary = JsonDocument.Parse(result.OutLines[^1]);
        Assert.True(summary.RootElement.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Migrate_MalformedConnectionString_OneClearLine()
    {
        var result = await _portal.RunAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Database__Provider"] = "Sqlite",
            ["ConnectionStrings__ReviewPortal"] = "Data Source=x;Bogus Key=1",
        }, "migrate");

        AssertOneClearLine(result, "reviewportal: ConnectionStrings:ReviewPortal is not a valid Sqlite connection string");
        Assert.Single(result.ErrLines);
    }

    [Fact]
    public async Task Start_ProductionWithoutAzureAd_RefusesNamingClientId()
    {
        var result = await _portal.RunAsync(new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" });

        AssertOneClearLine(result, "reviewportal: Sign-in is not configured for the 'Production' environment");
        Assert.Contains("AzureAd__ClientId", result.StdErr);
        Assert.Single(result.ErrLines);
    }

    [Fact]
    public async Task Start_UnsupportedProvider_RefusesNamingProviders()
    {
        var result = await _portal.RunAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Database__Provider"] = "Oracle",
        });

        AssertOneClearLine(result, "reviewportal: Database:Provider 'Oracle' is not supported");
        Assert.Contains("SqlServer", result.StdErr);
        Assert.Single(result.ErrLines);
    }
}
