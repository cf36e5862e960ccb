using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Tests.Infrastructure.Operations;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Database;

namespace ReviewPortal.Tests.Operations;

/// <summary>
/// The deployment on PostgreSQL as the README tells it, on a database created empty here (not cloned from the suite's
/// migrated template): the migrate verb as a deployment step with the database settings alone, then a web node in
/// Production (test Entra settings, Hangfire in PostgreSQL, an SMTP host) that answers /healthz.
/// </summary>
public sealed class PostgresDeploymentTests : IAsyncLifetime
{
    private readonly PortalProcess _portal = new();
    private readonly string _name = $"rp_deploy_{Guid.NewGuid():N}";
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        await using var admin = new NpgsqlConnection(PostgresTestDatabase.ServerConnectionString);
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_name}\"", admin);
        await create.ExecuteNonQueryAsync();
        _connectionString = new NpgsqlConnectionStringBuilder(PostgresTestDatabase.ServerConnectionString) { Database = _name }.ToString();
    }

    public async Task DisposeAsync()
    {
        _portal.Dispose();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(PostgresTestDatabase.ServerConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task MigrateThenStartInProduction_EmptyDatabase_HealthyWithJobsAndKeysInPostgres()
    {
        var database = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__ReviewPortal"] = _connectionString,
        };

        // No sign-in, SMTP or Hangfire settings: a deployment step needs the database alone.
        var migrate = await _portal.RunAsync(database, "migrate");

        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        using (var summary = JsonDocument.Parse(migrate.OutLines[^1]))
        {
            Assert.True(summary.RootElement.GetProperty("ok").GetBoolean());
            Assert.Equal("Postgres", summary.RootElement.GetProperty("result").GetProperty("provider").GetString());
            var options = new DbContextOptionsBuilder<PostgresReviewPortalDbContext>();
            DatabaseSetup.ConfigurePostgres(options, _connectionString);
            await using var db = new PostgresReviewPortalDbContext(options.Options);
            Assert.Equal(db.Database.GetMigrations(),
                summary.RootElement.GetProperty("result").GetProperty("applied").EnumerateArray().Select(m => m.GetString()!));
            Assert.Equal("hangfire", summary.RootElement.GetProperty("result").GetProperty("jobSchema").GetString());
        }
        // Hangfire's tables are there before any node starts: nodes of a rolling start do not race to create them.
        await using (var before = new NpgsqlConnection(_connectionString))
        {
            await before.OpenAsync();
            await using var tables = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'hangfire' AND table_name IN ('job', 'set', 'lock')", before);
            Assert.Equal(3L, (long)(await tables.ExecuteScalarAsync())!);
        }

        var node = new Dictionary<string, string>(database)
        {
            // Where a deployment runs it from: the app's own folder, with its appsettings.json.
            ["ASPNETCORE_CONTENTROOT"] = AppContext.BaseDirectory,
            ["AzureAd__Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd__TenantId"] = "11111111-1111-1111-1111-111111111111",
            ["AzureAd__ClientId"] = "22222222-2222-2222-2222-222222222222",
            ["AzureAd__ClientSecret"] = "test-secret-not-real",
            ["Hangfire__Storage"] = "Postgres",
            ["Hangfire__RunServer"] = "true",
            ["Email__Smtp__Host"] = "smtp.invalid",
            ["AllowedHosts"] = "127.0.0.1;localhost",
            // Live mode against a closed local port: a job that runs meanwhile reaches nothing outside the machine.
            ["Claude__BaseUrl"] = "http://127.0.0.1:9",
            ["Claude__ComplianceKey"] = "sk-ant-api01-test-not-a-key",
            ["Claude__AdminKey"] = "sk-ant-admin01-test-not-a-key",
        };
        await using (var running = await _portal.StartAsync(node))
        {
            using var http = new HttpClient { BaseAddress = running.BaseAddress };
            using var response = await http.GetAsync("/healthz");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}{Environment.NewLine}{running.Output}");
            using var health = JsonDocument.Parse(body);
            Assert.Equal("healthy", health.RootElement.GetProperty("status").GetString());
            Assert.Equal("Healthy", health.RootElement.GetProperty("checks").GetProperty("database").GetString());
        }

        // Hangfire keeps its queue in its own schema of the app database (the recurring jobs were registered there at
        // start-up), and the Data Protection key ring created at start-up is in the app's table: what a second node shares.
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using (var recurring = new NpgsqlCommand("SELECT value FROM hangfire.set WHERE key = 'recurring-jobs'", connection))
        await using (var reader = await recurring.ExecuteReaderAsync())
        {
            var ids = new List<string>();
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetString(0));
            }
            Assert.Contains("ingest-activity", ids);
            Assert.Contains("send-outbox", ids);
        }
        await using var keys = new NpgsqlCommand("""SELECT count(*) FROM "DataProtectionKeys" """, connection);
        Assert.True((long)(await keys.ExecuteScalarAsync())! >= 1);
    }
}
