using System.Text;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Data.Configurations;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// The grants' history is read at the end of every ingestion run and directory sync: its read of the access changes
/// must go through the partial index of admin changes, not through every event stored since its watermark (a scan of
/// the whole table after a million-event catch-up, or of two days of events every minute while a change waits for its
/// grant). The engine's own plan says which; on PostgreSQL sequential scans are priced out first, so an empty table's
/// cheap scan does not hide an index the planner cannot use (it still scans when the filter does not prove the index
/// holds the rows asked for).
/// </summary>
public sealed class AccessChangesIndexTests : IAsyncLifetime
{
    private readonly EmptyPortalAppFactory _portal = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task ChangesRead_UsesThePartialIndexOfAdminChanges()
    {
        await using var db = await _portal.CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        if (db.Provider == DatabaseProvider.Postgres)
        {
            await db.Database.ExecuteSqlRawAsync("SET enable_seqscan = off");
        }
        await using var command = AccessChangeHistory.ChangesAfter(db, 0).CreateDbCommand();
        command.CommandText = db.Provider switch
        {
            DatabaseProvider.Sqlite => "EXPLAIN QUERY PLAN ",
            DatabaseProvider.Postgres => "EXPLAIN ",
            _ => "SET SHOWPLAN_TEXT ON; ",
        } + command.CommandText;

        var plan = new StringBuilder();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            do
            {
                while (await reader.ReadAsync())
                {
                    for (var column = 0; column < reader.FieldCount; column++)
                    {
                        plan.Append(reader.GetValue(column)).Append(' ');
                    }
                    plan.AppendLine();
                }
            }
            while (await reader.NextResultAsync());
        }

        Assert.Contains(ActivityEventConfiguration.AdminChangesIndex, plan.ToString());
    }

    /// <summary>The index holds admin changes only: an access change categorized otherwise would never reach a grant's history.</summary>
    [Theory]
    [InlineData("user_actor")]
    [InlineData("api_actor")]
    [InlineData("admin_api_key_actor")]
    [InlineData("service_account_actor")]
    [InlineData("scim_directory_sync_actor")]
    public void EveryAccessChangeType_IsAnAdminChange(string actorType)
    {
        Assert.All(AccessChangeHistory.Types, type => Assert.Equal(ActivityCategory.AdminChange, ActivityCategories.Of(type, actorType)));
    }
}
