using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// Who each ingested event belongs to, read back from its raw actor JSON, and the daily rollups and
/// last-active times kept incrementally across runs, which a full rebuild must reproduce exactly.
/// </summary>
public sealed class ActivityAttributionTests(ActivityAttributionTests.SyncedAndIngested portal) : IClassFixture<ActivityAttributionTests.SyncedAndIngested>
{
    /// <summary>Synced, then ingested twice with the clock moved between runs. The rebuild test restores what it drifts.</summary>
    public sealed class SyncedAndIngested : ConnectorPortalFactory, IAsyncLifetime
    {
        public async Task InitializeAsync()
        {
            await SyncAsync();
            await IngestAsync();
            Time.Advance(TimeSpan.FromMinutes(5));
            await IngestAsync(); // rollups must add up across runs too
        }

        Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
    }

    private readonly SyncedAndIngested _portal = portal;

    private sealed record Row(long Id, string ActorType, int? IdentityId, string? ExternalId, IdentityKind? Kind, JsonElement Actor);

    private async Task<List<Row>> EventsAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        var identities = await db.Identities.AsNoTracking().ToDictionaryAsync(i => i.Id);
        var events = await db.ActivityEvents.AsNoTracking().Select(e => new { e.Id, e.ActorType, e.IdentityId, e.RawJson }).ToListAsync();
        return events.Select(e =>
        {
            using var json = JsonDocument.Parse(e.RawJson);
            var identity = e.IdentityId is { } id ? identities[id] : null;
            return new Row(e.Id, e.ActorType, e.IdentityId, identity?.ExternalId, identity?.Kind, json.RootElement.GetProperty("actor").Clone());
        }).ToList();
    }

    [Theory]
    [InlineData("user_actor", "user_id", IdentityKind.Person)]
    [InlineData("api_actor", "api_key_id", IdentityKind.ApiKey)]
    [InlineData("service_account_actor", "service_account_id", IdentityKind.ServiceAccount)]
    public async Task Event_ByResolvableActor_BelongsToTheIdentityWithThatExternalId(string actorType, string idField, IdentityKind kind)
    {
        var events = (await EventsAsync()).Where(e => e.ActorType == actorType).ToList();

        Assert.NotEmpty(events);
        Assert.All(events, e =>
        {
            Assert.Equal(e.Actor.GetProperty(idField).GetString(), e.ExternalId);
            Assert.Equal(kind, e.Kind);
        });
    }

    [Fact]
    public async Task ApiKeyEvents_OfDirectoryKeys_ResolveToTheSyncedKeyNotAPlaceholder()
    {
        await using var db = await _portal.CreateDbContextAsync();
        var keys = _portal.Organization.ApiKeyList.Select(k => k.Id).ToHashSet();
        var used = await db.ActivityEvents.Where(e => e.ActorType == "api_actor" && e.IdentityId != null)
            .Select(e => e.IdentityId!.Value).Distinct().ToListAsync();
        var identities = await db.Identities.Where(i => used.Contains(i.Id)).ToListAsync();

        Assert.Contains(identities, i => keys.Contains(i.ExternalId));
        Assert.All(identities.Where(i => keys.Contains(i.ExternalId)), i => Assert.NotEqual("unsynced", i.Status));
    }

    [Theory]
    [InlineData("system_actor")]
    [InlineData("anthropic_actor")]
    [InlineData("unauthenticated_user_actor")]
    [InlineData("scim_directory_sync_actor")]
    [InlineData("quantum_entangled_actor")] // an actor type newer than this code
    public async Task Event_ByUnattributableActor_IsStoredWithoutIdentity(string actorType)
    {
        var events = (await EventsAsync()).Where(e => e.ActorType == actorType).ToList();

        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.Null(e.IdentityId));
    }

    [Fact]
    public async Task Rollups_EqualEventCountsPerIdentityDayAndCategory()
    {
        await using var db = await _portal.CreateDbContextAsync();
        var events = await db.ActivityEvents.AsNoTracking().Where(e => e.IdentityId != null)
            .Select(e => new { e.IdentityId, e.OccurredAt, e.Category }).ToListAsync();
        var expected = events.GroupBy(e => (e.IdentityId!.Value, DateOnly.FromDateTime(e.OccurredAt.UtcDateTime), e.Category))
            .Select(g => (g.Key.Item1, g.Key.Item2, g.Key.Category, g.Count())).Order().ToList();

        var rollups = (await db.ActivityRollups.AsNoTracking().ToListAsync()).Select(r => (r.IdentityId, r.Day, r.Category, r.Count)).Order().ToList();

        Assert.NotEmpty(rollups);
        Assert.Equal(expected, rollups);
    }

    [Fact]
    public async Task LastActiveAt_IsTheNewestEventOfEachIdentity()
    {
        await using var db = await _portal.CreateDbContextAsync();
        var newest = (await db.ActivityEvents.AsNoTracking().Where(e => e.IdentityId != null)
                .Select(e => new { Id = e.IdentityId!.Value, e.OccurredAt }).ToListAsync())
            .GroupBy(e => e.Id).ToDictionary(g => g.Key, g => (DateTimeOffset?)g.Max(e => e.OccurredAt));

        var identities = await db.Identities.AsNoTracking().Select(i => new { i.Id, i.LastActiveAt }).ToListAsync();

        Assert.Contains(identities, i => i.LastActiveAt is not null);
        Assert.All(identities, i => Assert.Equal(newest.GetValueOrDefault(i.Id), i.LastActiveAt));
    }

    [Fact]
    public async Task RebuildRollups_AfterDrift_ReproducesTheIncrementalTablesExactly()
    {
        var (rollups, lastActive, attribution) = await SnapshotAsync();
        await using (var db = await _portal.CreateDbContextAsync())
        {
            // Drift the incremental state three ways: a wrong count, a lost row, a wrong last-active time.
            var ordered = db.ActivityRollups.OrderBy(r => r.IdentityId).ThenBy(r => r.Day).ThenBy(r => r.Category);
            var first = await ordered.FirstAsync();
            var last = await ordered.LastAsync();
            await db.ActivityRollups.Where(r => r.IdentityId == first.IdentityId && r.Day == first.Day && r.Category == first.Category)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Count, r => r.Count + 7));
            await db.ActivityRollups.Where(r => r.IdentityId == last.IdentityId && r.Day == last.Day && r.Category == last.Category)
                .ExecuteDeleteAsync();
            await db.Identities.ExecuteUpdateAsync(s => s.SetProperty(i => i.LastActiveAt, (DateTimeOffset?)null));
        }
        Assert.NotEqual(rollups, (await SnapshotAsync()).Rollups);

        await _portal.GetRequiredService<RebuildActivityRollups>().RunAsync();

        var rebuilt = await SnapshotAsync();
        Assert.Equal(rollups, rebuilt.Rollups);
        Assert.Equal(lastActive, rebuilt.LastActive);
        Assert.Equal(attribution, rebuilt.Attribution);
    }

    private async Task<(List<(int, DateOnly, ActivityCategory, int)> Rollups, List<(int, DateTimeOffset?)> LastActive, List<(long, int?)> Attribution)> SnapshotAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        var rollups = (await db.ActivityRollups.AsNoTracking().ToListAsync()).Select(r => (r.IdentityId, r.Day, r.Category, r.Count)).Order().ToList();
        var lastActive = (await db.Identities.AsNoTracking().Select(i => new { i.Id, i.LastActiveAt }).ToListAsync())
            .Select(i => (i.Id, i.LastActiveAt)).Order().ToList();
        var attribution = (await db.ActivityEvents.AsNoTracking().Select(e => new { e.Id, e.IdentityId }).ToListAsync())
            .Select(e => (e.Id, e.IdentityId)).Order().ToList();
        return (rollups, lastActive, attribution);
    }

    [Fact]
    public async Task IngestBeforeSync_CreatesPlaceholders_ThatTheSyncAdoptsWithoutDuplicates()
    {
        await using var fresh = new ConnectorPortalFactory();
        await fresh.IngestAsync();
        await using (var db = await fresh.CreateDbContextAsync())
        {
            var people = await db.Identities.AsNoTracking().Where(i => i.Kind == IdentityKind.Person).ToListAsync();
            Assert.NotEmpty(people);
            Assert.All(people, p => Assert.Equal("unsynced", p.Status));
        }
        var before = await fresh.StoredActivityIdsAsync();

        await fresh.SyncAsync();

        await using var check = await fresh.CreateDbContextAsync();
        var identities = await check.Identities.AsNoTracking().ToListAsync();
        Assert.Equal(identities.Count, identities.Select(i => i.ExternalId).Distinct().Count());
        var employed = fresh.Organization.People.Where(p => p.Employed).Select(p => p.UserId).ToHashSet();
        Assert.All(identities.Where(i => employed.Contains(i.ExternalId)), i => Assert.Equal("active", i.Status));
        // Events keep pointing at the same (now synced) identity rows.
        var users = await check.ActivityEvents.AsNoTracking().Where(e => e.ActorType == "user_actor")
            .Select(e => new { e.ActorExternalId, e.IdentityId }).ToListAsync();
        var byExternal = identities.ToDictionary(i => i.ExternalId, i => i.Id);
        Assert.All(users, e => Assert.Equal(byExternal[e.ActorExternalId!], e.IdentityId));
        Assert.Equal(before, await fresh.StoredActivityIdsAsync());
    }
}
