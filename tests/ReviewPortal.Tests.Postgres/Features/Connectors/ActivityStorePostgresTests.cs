using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// PostgreSQL's page path (binary COPY into a temporary staging table, then one statement): the staging table and
/// everything written through it belong to the unit of work's transaction, so a unit that rolls back or is retried
/// after a lost commit leaves each activity stored and counted exactly once. The contract shared with SQLite is in
/// ActivityStoreTests, which this suite also runs.
/// </summary>
public sealed class ActivityStorePostgresTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    private readonly EmptyPortalAppFactory _portal = new();
    private int _alice;

    public async Task InitializeAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        var alice = new Identity { ExternalId = "user_pg_store_alice", DisplayName = "Alice", CreatedAt = T.AddYears(-1), LastActiveAt = T };
        db.Identities.Add(alice);
        await db.SaveChangesAsync();
        _alice = alice.Id;
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private IDbContextFactory<ReviewPortalDbContext> Contexts => _portal.Services.GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>();

    private ActivityEvent Event(string id, DateTimeOffset at) => new()
    {
        ActivityId = id, OccurredAt = at, Type = "claude_chat_created", Category = ActivityCategory.ChatAndContent, ActorType = "user_actor",
        ActorExternalId = "user_pg_store_alice", IdentityId = _alice, RawJson = $$"""{"id":"{{id}}"}""",
    };

    private async Task<(int Events, int Counted, DateTimeOffset? LastActive)> StateAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        return (await db.ActivityEvents.CountAsync(), await db.ActivityRollups.SumAsync(r => (int?)r.Count) ?? 0,
            await db.Identities.Where(i => i.Id == _alice).Select(i => i.LastActiveAt).SingleAsync());
    }

    [Fact]
    public async Task WriteAsync_TwoPagesInOneUnit_EachCountsOnlyItsOwnNewEvents()
    {
        // The staging table outlives the first page inside the transaction: the second page must not see its rows.
        var (first, second) = await Contexts.WriteAsync(async (db, ct) =>
        {
            await using var store = ActivityStore.Create(db);
            var a = await store.WriteAsync([Event("p1", T.AddMinutes(1)), Event("p2", T.AddMinutes(2))], ct);
            var b = await store.WriteAsync([Event("p2", T.AddMinutes(2)), Event("p3", T.AddMinutes(3))], ct);
            return (a, b);
        });

        Assert.Equal((2, 1), (first, second));
        Assert.Equal((3, 3, T.AddMinutes(3)), await StateAsync());
    }

    [Fact]
    public async Task WriteAsync_UnitRollsBack_LeavesNoEventsRollupsOrLastActiveBehind()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => Contexts.WriteAsync(async (db, ct) =>
        {
            await using var store = ActivityStore.Create(db);
            await store.WriteAsync([Event("rb1", T.AddHours(1)), Event("rb2", T.AddHours(2))], ct);
            throw new InvalidOperationException("The rest of the unit failed.");
        }));

        Assert.Equal((0, 0, T), await StateAsync());
    }

    [Fact]
    public async Task WriteAsync_ConnectionLostAtCommit_RetriedUnitStoresAndCountsThePageOnce()
    {
        var lose = new LoseFirstCommit();
        var attempts = 0;

        var stored = await lose.Contexts(_portal.Database.ConnectionString).WriteAsync(async (db, ct) =>
        {
            attempts++;
            await using var store = ActivityStore.Create(db);
            return await store.WriteAsync([Event("rt1", T.AddHours(1)), Event("rt2", T.AddHours(2)), Event("rt3", T.AddHours(3))], ct);
        });

        Assert.Equal((2, 1), (attempts, lose.Failures));
        Assert.Equal(3, stored);
        Assert.Equal((3, 3, T.AddHours(3)), await StateAsync());
    }
}
