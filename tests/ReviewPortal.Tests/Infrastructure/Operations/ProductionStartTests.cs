using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ReviewPortal.Web.Infrastructure;
using ReviewPortal.Web.Infrastructure.Database;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Tests.Infrastructure.Operations;

/// <summary>
/// What a web node in Production refuses at start-up, as the operator sees it: the built portal in a child process with
/// test Entra settings, judged by exit code and its one line on stderr. Each refusal comes before the database is
/// touched. Verbs skip these rules (<see cref="OperationsVerbTests.Migrate_ProductionWithoutSignInSettings_RunsAsADeploymentStep"/>
/// migrates without SMTP or sign-in settings).
/// </summary>
public sealed class ProductionStartTests : IDisposable
{
    private readonly PortalProcess _portal = new();

    public void Dispose() => _portal.Dispose();

    private string DatabaseFile => Path.Combine(_portal.WorkingDirectory, "data", "reviewportal.db");

    /// <summary>Production with test Entra settings and an SMTP host: everything a single SQLite node needs.</summary>
    private static Dictionary<string, string> Production(params (string Key, string Value)[] overrides)
    {
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["AzureAd__Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd__TenantId"] = "11111111-1111-1111-1111-111111111111",
            ["AzureAd__ClientId"] = "22222222-2222-2222-2222-222222222222",
            ["AzureAd__ClientSecret"] = "test-secret-not-real",
            ["Email__Smtp__Host"] = "smtp.invalid",
            // The node is reached by the test at 127.0.0.1 (Production answers only for the host names it is given).
            ["AllowedHosts"] = "127.0.0.1;localhost",
            // Live mode against a closed local port: nothing leaves the machine.
            ["Claude__BaseUrl"] = "http://127.0.0.1:9",
            ["Claude__ComplianceKey"] = "sk-ant-api01-test-not-a-key",
            ["Claude__AdminKey"] = "sk-ant-admin01-test-not-a-key",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }
        return settings;
    }

    private static void AssertRefusedWithOneLine(PortalProcess.Result result, string expectedStart)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.ErrLines);
        Assert.StartsWith(expectedStart, line);
        Assert.DoesNotContain("   at ", result.StdOut + result.StdErr);
    }

    [Fact]
    public async Task Start_ProductionWithoutSmtpHost_RefusesNamingEmailSmtpHost()
    {
        var settings = Production();
        settings.Remove("Email__Smtp__Host");

        var result = await _portal.RunAsync(settings);

        AssertRefusedWithOneLine(result, "reviewportal: Email:Smtp:Host is not set");
        Assert.Contains("Email__Smtp__Host", result.StdErr);
        Assert.False(File.Exists(DatabaseFile), "refused before the embedded database was migrated");
    }

    [Theory]
    [InlineData("Postgres", "Host=127.0.0.1;Port=1;Database=reviewportal;Username=reviewportal")]
    [InlineData("SqlServer", "Server=127.0.0.1,1;Database=reviewportal;User Id=reviewportal;Password=x;TrustServerCertificate=True")]
    public async Task Start_ProductionInMemoryJobsOnAServerDatabase_RefusesNamingHangfireStorageAndItsValue(string provider, string connectionString)
    {
        // Port 1: the refusal comes before any connection, so no server is needed.
        var result = await _portal.RunAsync(Production(
            ("Database__Provider", provider), ("ConnectionStrings__ReviewPortal", connectionString), ("Hangfire__Storage", "InMemory")));

        AssertRefusedWithOneLine(result, $"reviewportal: Hangfire:Storage is InMemory but Database:Provider is {provider}");
        Assert.Contains($"Set Hangfire__Storage={provider}.", result.StdErr);
    }

    [Fact]
    public async Task Start_UnknownHangfireStorage_RefusesNamingTheSupportedValues()
    {
        var result = await _portal.RunAsync(Production(("Hangfire__Storage", "Postgress")));

        AssertRefusedWithOneLine(result, "reviewportal: Hangfire:Storage 'Postgress' is not supported");
        Assert.Contains("'Postgres'", result.StdErr);
    }

    [Fact]
    public async Task Start_HangfireStorageOfAnotherEngine_RefusesNamingTheMatchingValue()
    {
        var result = await _portal.RunAsync(Production(("Hangfire__Storage", "Postgres")));

        AssertRefusedWithOneLine(result, "reviewportal: Hangfire:Storage is Postgres but Database:Provider is Sqlite");
        Assert.Contains("Set Hangfire__Storage=InMemory.", result.StdErr);
        Assert.False(File.Exists(DatabaseFile), "refused before the embedded database was migrated");
    }

    [Fact]
    public async Task Start_ProductionSingleSqliteNode_ServesHealthzAndKeepsDataProtectionKeysInTheDatabase()
    {
        await using (var running = await _portal.StartAsync(Production()))
        {
            using var http = new HttpClient { BaseAddress = running.BaseAddress };
            using var health = await http.GetFromJsonAsync<JsonDocument>("/healthz");
            Assert.Equal("healthy", health!.RootElement.GetProperty("status").GetString());
        }

        // The key ring was created at start-up, in the app database: another node on the same database reads the same keys.
        Assert.True(await CountAsync("SELECT COUNT(*) FROM DataProtectionKeys") >= 1);
    }

    [Fact]
    public async Task Start_ProductionWithKeysFolder_KeysGoToTheFolderNotTheDatabase()
    {
        var folder = Path.Combine(_portal.WorkingDirectory, "keys");

        await using (var running = await _portal.StartAsync(Production(("DataProtection__KeysFolder", folder))))
        {
            using var http = new HttpClient { BaseAddress = running.BaseAddress };
            using var health = await http.GetFromJsonAsync<JsonDocument>("/healthz");
            Assert.Equal("healthy", health!.RootElement.GetProperty("status").GetString());
        }

        Assert.NotEmpty(Directory.GetFiles(folder, "key-*.xml"));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM DataProtectionKeys"));
    }

    /// <summary>
    /// No setting leaves the keys on one machine (the database is the default, a folder the alternative), so this rule
    /// is reached here by removing the key store the portal registered, as a later change might. It runs on the portal's
    /// own registrations, with the Production environment.
    /// </summary>
    [Fact]
    public async Task RefuseUnsafeSettings_ProductionKeysNeitherInTheDatabaseNorAFolder_RefusesNamingKeysFolder()
    {
        await using var safe = BuildProductionApp(withoutKeyStore: false);
        await using var unsafeKeys = BuildProductionApp(withoutKeyStore: true);

        safe.RefuseUnsafeSettings();
        var refusal = Assert.Throws<StartupException>(() => unsafeKeys.RefuseUnsafeSettings());

        Assert.StartsWith("Data Protection keys are stored neither in the app database nor in DataProtection:KeysFolder", refusal.Message);
        Assert.Contains("DataProtection__KeysFolder", refusal.Message);
    }

    private WebApplication BuildProductionApp(bool withoutKeyStore)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Production",
            ContentRootPath = _portal.WorkingDirectory,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:ReviewPortal"] = $"Data Source={DatabaseFile}",
            ["Email:Smtp:Host"] = "smtp.invalid",
            ["Hangfire:RunServer"] = "false",
        });
        builder.Services.AddPortalDatabase(builder.Configuration, builder.Environment);
        builder.Services.AddPortalJobs(builder.Configuration);
        builder.Services.AddPortalEmail(builder.Environment);
        builder.Services.AddPortalUi(builder.Configuration, builder.Environment);
        if (withoutKeyStore)
        {
            builder.Services.Configure<KeyManagementOptions>(o => o.XmlRepository = null);
        }
        return builder.Build();
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabaseFile};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
