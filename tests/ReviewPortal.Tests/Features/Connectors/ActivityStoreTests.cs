using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// The store's contract, held to the same assertions on every engine (the SQLite suite runs the 100-row statements, the
/// PostgreSQL suite the binary COPY and the array statements): an activity is stored once however often it arrives, the
/// rollups count only what was newly stored, per UTC day, and last-active never moves backwards.
/// </summary>
public sealed class ActivityStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    private readonly EmptyPortalAppFactory _portal = new();
    private int _alice;
    private int _bob;

    public async Task InitializeAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        var alice = new Identity { ExternalId = "user_store_alice", DisplayName = "Alice", CreatedAt = T.AddYears(-1), LastActiveAt = T };
        var bob = new Identity { ExternalId = "user_store_bob", DisplayName = "Bob", CreatedAt = T.AddYears(-1), LastActiveAt = null };
        db.Identities.AddRange(alice, bob);
        await db.SaveChangesAsync();
        (_alice, _bob) = (alice.Id, bob.Id);
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private static ActivityEvent Event(string id, DateTimeOffset at, int? identity, ActivityCategory category = ActivityCategory.ChatAndContent,
        string? raw = null) => new()
    {
        ActivityId = id, OccurredAt = at, Type = "claude_chat_created", Category = category, ActorType = identity is null ? "system_actor" : "user_actor",
        ActorExternalId = identity is null ? null : $"user_{identity}", IdentityId = identity, RawJson = raw ?? $$"""{"id":"{{id}}"}""",
    };

    /// <summary>One page as the ingestion job stores it: its own unit of work.</summary>
    private Task<int> StorePageAsync(params ActivityEvent[] page) =>
        _portal.Services.GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>().WriteAsync(async (db, ct) =>
        {
            await using var store = ActivityStore.Create(db);
            return await store.WriteAsync(page, ct);
        });

    private async Task<List<(int IdentityId, DateOnly Day, ActivityCategory Category, int Count)>> RollupsAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        return (await db.ActivityRollups.AsNoTracking().ToListAsync()).Select(r => (r.IdentityId, r.Day, r.Category, r.Count)).Order().ToList();
    }

    private async Task<DateTimeOffset?> LastActiveAsync(int identity)
    {
        await using var db = await _portal.CreateDbContextAsync();
        return await db.Identities.Where(i => i.Id == identity).Select(i => i.LastActiveAt).SingleAsync();
    }

    [Fact]
    public async Task WriteAsync_SameActivityTwiceInOnePage_StoresTheFirstOnceInPageOrderAndCountsItOnce()
    {
        var stored = await StorePageAsync(
            Event("act_c", T, _alice, raw: "first"),
            Event("act_a", T, _alice),
            Event("act_c", T, _alice, raw: "second"),
            Event("act_b", T, _alice));

        Assert.Equal(3, stored);
        await using var db = await _portal.CreateDbContextAsync();
        var rows = await db.ActivityEvents.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(["act_c", "act_a", "act_b"], rows.Select(e => e.ActivityId));
        Assert.Equal("first", rows[0].RawJson);
        Assert.Equal([(_alice, DateOnly.FromDateTime(T.UtcDateTime), ActivityCategory.ChatAndContent, 3)], await RollupsAsync());
    }

    [Fact]
    public async Task WriteAsync_ActivityStoredByAnEarlierPage_NeitherStoredNorCountedAgain()
    {
        var first = await StorePageAsync(Event("act_1", T, _alice), Event("act_2", T.AddMinutes(1), _alice));

        var second = await StorePageAsync(Event("act_2", T.AddMinutes(1), _alice), Event("act_3", T.AddMinutes(2), _alice));
        var third = await StorePageAsync(Event("act_1", T, _alice), Event("act_3", T.AddMinutes(2), _alice));

        Assert.Equal((2, 1, 0), (first, second, third));
        await using var db = await _portal.CreateDbContextAsync();
        Assert.Equal(["act_1", "act_2", "act_3"], await db.ActivityEvents.OrderBy(e => e.Id).Select(e => e.ActivityId).ToListAsync());
        Assert.Equal([(_alice, DateOnly.FromDateTime(T.UtcDateTime), ActivityCategory.ChatAndContent, 3)], await RollupsAsync());
    }

    [Fact]
    public async Task WriteAsync_Rollups_CountNewEventsPerIdentityUtcDayAndCategoryAndAddToEarlierCounts()
    {
        var day25 = new DateOnly(2026, 11, 25);
        var day26 = new DateOnly(2026, 11, 26);

        await StorePageAsync(
            Event("r1", new DateTimeOffset(2026, 11, 25, 23, 30, 0, TimeSpan.Zero), _alice),
            // 01:30 at +02:00 is 23:30 UTC the day before: rollups are per UTC day.
            Event("r2", new DateTimeOffset(2026, 11, 26, 1, 30, 0, TimeSpan.FromHours(2)), _alice),
            Event("r3", new DateTimeOffset(2026, 11, 26, 0, 10, 0, TimeSpan.Zero), _alice),
            Event("r4", new DateTimeOffset(2026, 11, 26, 0, 20, 0, TimeSpan.Zero), _alice, ActivityCategory.AdminChange),
            Event("r5", new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero), _bob, ActivityCategory.ApiKeyUse),
            // No identity: stored, never counted.
            Event("r6", new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero), null));
        await StorePageAsync(
            Event("r3", new DateTimeOffset(2026, 11, 26, 0, 10, 0, TimeSpan.Zero), _alice),
            Event("r7", new DateTimeOffset(2026, 11, 26, 11, 0, 0, TimeSpan.Zero), _alice));

        Assert.Equal(
            new List<(int, DateOnly, ActivityCategory, int)>
            {
                (_alice, day25, ActivityCategory.ChatAndContent, 2),
                (_alice, day26, ActivityCategory.ChatAndContent, 2),
                (_alice, day26, ActivityCategory.AdminChange, 1),
                (_bob, day26, ActivityCategory.ApiKeyUse, 1),
            }.Order(),
            await RollupsAsync());
        await using var db = await _portal.CreateDbContextAsync();
        Assert.Equal(7, await db.ActivityEvents.CountAsync());
        Assert.Equal(await db.ActivityEvents.CountAsync(e => e.IdentityId != null), await db.ActivityRollups.SumAsync(r => r.Count));
    }

    [Fact]
    public async Task WriteAsync_EventsCarryingAWorkspace_CountedPerWorkspaceOnceAndTheRebuildCountsTheSame()
    {
        var day = new DateOnly(2026, 11, 26);
        // As the feed decoder hands them over: the top-level workspace_id read into WorkspaceId, the raw JSON kept.
        ActivityEvent InWorkspace(string id, int hour, string? workspace, ActivityCategory category = ActivityCategory.Platform)
        {
            var e = Event(id, new DateTimeOffset(2026, 11, 26, hour, 0, 0, TimeSpan.Zero), _alice, category,
                workspace is null ? null : $$"""{"id":"{{id}}","workspace_id":"{{workspace}}"}""");
            e.WorkspaceId = workspace;
            return e;
        }

        var page = new[]
        {
            InWorkspace("w1", 1, "wrkspc_research"), InWorkspace("w2", 2, "wrkspc_research"), InWorkspace("w3", 3, "wrkspc_ops"),
            InWorkspace("w4", 4, "wrkspc_ops", ActivityCategory.AdminChange), InWorkspace("w5", 5, null),
        };
        await StorePageAsync(page);
        // The same page again (a re-poll): nothing new, nothing counted twice.
        await StorePageAsync(page);

        var expected = new List<(int, string, DateOnly, ActivityCategory, int)>
        {
            (_alice, "wrkspc_ops", day, ActivityCategory.AdminChange, 1),
            (_alice, "wrkspc_ops", day, ActivityCategory.Platform, 1),
            (_alice, "wrkspc_research", day, ActivityCategory.Platform, 2),
        }.Order().ToList();
        Assert.Equal(expected, await WorkspaceRollupsAsync());

        using (var scope = _portal.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<RebuildActivityRollups>().RunAsync();
        }

        Assert.Equal(expected, await WorkspaceRollupsAsync());
    }

    private async Task<List<(int, string, DateOnly, ActivityCategory, int)>> WorkspaceRollupsAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        return (await db.WorkspaceActivityRollups.AsNoTracking().ToListAsync())
            .Select(r => (r.IdentityId, r.WorkspaceId, r.Day, r.Category, r.Count)).Order().ToList();
    }

    [Fact]
    public async Task WriteAsync_LastActiveAt_MovesForwardOnlyAndOnlyForNewlyStoredEvents()
    {
        // Alice was last active at T; Bob never.
        await StorePageAsync(Event("l1", T.AddHours(-1), _alice), Event("l2", T.AddHours(-3), _bob), Event("l3", T.AddHours(-2), _bob));
        Assert.Equal(T, await LastActiveAsync(_alice));
        Assert.Equal(T.AddHours(-2), await LastActiveAsync(_bob));

        await StorePageAsync(Event("l4", T.AddHours(1), _alice), Event("l5", T.AddMinutes(30), _alice));
        Assert.Equal(T.AddHours(1), await LastActiveAsync(_alice));

        // A redelivered activity (same id, same created_at: ADR 0005) is not new: it moves nothing.
        var stored = await StorePageAsync(Event("l3", T.AddHours(-2), _bob), Event("l2", T.AddHours(-3), _bob));
        Assert.Equal(0, stored);
        Assert.Equal(T.AddHours(-2), await LastActiveAsync(_bob));
    }

    [Fact]
    public async Task WriteAsync_SameIdUnderAnotherCreatedAt_IsAnotherKeyAndStored()
    {
        // What ADR 0005 takes as impossible is stored, not silently dropped: the re-poll's tripwire
        // (ReconcileAnomalyTests) is what reports it.
        await StorePageAsync(Event("k1", T, _alice));

        var stored = await StorePageAsync(Event("k1", T.AddSeconds(1), _alice));

        Assert.Equal(1, stored);
        await using var db = await _portal.CreateDbContextAsync();
        Assert.Equal([T, T.AddSeconds(1)], await db.ActivityEvents.Where(e => e.ActivityId == "k1").OrderBy(e => e.Id).Select(e => e.OccurredAt).ToListAsync());
    }

    [Fact]
    public async Task WriteAsync_LargePageWithStoredAndRepeatedKeys_StoresEachNewKeyOnceAndCountsIt()
    {
        // More rows than one multi-row statement holds, with a remainder; every seventh row already stored by an earlier
        // page, every eleventh sent twice in this one, and a few at a shared instant (ties in created_at).
        var earlier = Enumerable.Range(0, 257).Where(i => i % 7 == 0).Select(i => Event($"big_{i}", T.AddSeconds(i / 3), i % 2 == 0 ? _alice : _bob)).ToArray();
        Assert.Equal(earlier.Length, await StorePageAsync(earlier));
        var page = new List<ActivityEvent>();
        for (var i = 0; i < 257; i++)
        {
            page.Add(Event($"big_{i}", T.AddSeconds(i / 3), i % 2 == 0 ? _alice : _bob));
            if (i % 11 == 0)
            {
                page.Add(Event($"big_{i}", T.AddSeconds(i / 3), i % 2 == 0 ? _alice : _bob, raw: "again"));
            }
        }

        var stored = await StorePageAsync([.. page]);

        Assert.Equal(257 - earlier.Length, stored);
        await using var db = await _portal.CreateDbContextAsync();
        Assert.Equal(257, await db.ActivityEvents.CountAsync());
        Assert.Equal(257, await db.ActivityEvents.Select(e => e.ActivityId).Distinct().CountAsync());
        Assert.Equal(0, await db.ActivityEvents.CountAsync(e => e.RawJson == "again"));
        Assert.Equal(257, await db.ActivityRollups.SumAsync(r => r.Count));
        Assert.Equal(T.AddSeconds(256 / 3), await LastActiveAsync(_alice));
        Assert.Equal(T.AddSeconds(255 / 3), await LastActiveAsync(_bob));
    }

    [Fact]
    public async Task WriteAsync_EmptyPage_StoresNothing()
    {
        Assert.Equal(0, await StorePageAsync());

        await using var db = await _portal.CreateDbContextAsync();
        Assert.Equal(0, await db.ActivityEvents.CountAsync());
    }
}
