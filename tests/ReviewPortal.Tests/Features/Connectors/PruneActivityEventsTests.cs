using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// Raw event retention (issue #18, 3): events before the window (whole UTC days) go, oldest first, in audited batches;
/// the window's events, the rollups and the grant histories stay; 0 days keeps everything; the connectors page shows the
/// window and the oldest event kept.
/// </summary>
public sealed class PruneActivityEventsTests : IAsyncLifetime
{
    private readonly EmptyPortalAppFactory _portal = new();
    private int _alice;
    private int _bob;

    public async Task InitializeAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        var alice = new Identity { ExternalId = "user_retention_alice", DisplayName = "Alice", CreatedAt = Now.AddYears(-2) };
        var bob = new Identity { ExternalId = "user_retention_bob", DisplayName = "Bob", CreatedAt = Now.AddYears(-2) };
        db.Identities.AddRange(alice, bob);
        await db.SaveChangesAsync();
        (_alice, _bob) = (alice.Id, bob.Id);
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private DateTimeOffset Now => _portal.Time.GetUtcNow();

    /// <summary>Where a 10-day window starts: midnight UTC ten days before today.</summary>
    private DateTimeOffset Cutoff => new DateTimeOffset(Now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-10);

    private Task StoreAsync(params (string Id, DateTimeOffset At)[] events) => StoreForAsync(_alice, events);

    private async Task StoreForAsync(int identity, params (string Id, DateTimeOffset At)[] events) =>
        await _portal.Services.GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>().WriteAsync(async (db, ct) =>
        {
            await using var store = ActivityStore.Create(db);
            await store.WriteAsync(events.Select(e => new ActivityEvent
            {
                ActivityId = e.Id, OccurredAt = e.At, Type = "claude_chat_created", Category = ActivityCategory.ChatAndContent,
                ActorType = "user_actor", ActorExternalId = $"user_{identity}", IdentityId = identity, RawJson = $$"""{"id":"{{e.Id}}"}""",
            }).ToList(), ct);
        });

    private PruneActivityEventsJob Job(int days, int batch = 3) => new(
        _portal.Services.GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>(), _portal.Services.GetRequiredService<DatabaseLease>(),
        new IngestionOptions { RetentionDays = days, RetentionBatchSize = batch }, _portal.Time, NullLogger<PruneActivityEventsJob>.Instance);

    [Fact]
    public async Task Run_EventsBeforeTheWindow_DeletedOldestFirstInAuditedBatches_TheRestKept()
    {
        await StoreAsync(
            ("old_1", Cutoff.AddDays(-300)), ("old_2", Cutoff.AddDays(-2)), ("old_3", Cutoff.AddDays(-1)), ("old_4", Cutoff.AddHours(-5)),
            ("old_5", Cutoff.AddMinutes(-1)), ("old_6", Cutoff.AddTicks(-1)), ("old_7", Cutoff.AddTicks(-1)),
            ("kept_1", Cutoff), ("kept_2", Cutoff.AddHours(1)), ("kept_3", Now.AddMinutes(-5)));
        int rollupsBefore;
        await using (var db = await _portal.CreateDbContextAsync())
        {
            rollupsBefore = await db.ActivityRollups.SumAsync(r => r.Count);
        }

        var run = await Job(days: 10, batch: 3).RunAsync();

        Assert.Equal(new RetentionRun(RetentionRunStatus.Completed, Cutoff, 7, 3), run);
        await using var after = await _portal.CreateDbContextAsync();
        Assert.Equal(["kept_1", "kept_2", "kept_3"], await after.ActivityEvents.OrderBy(e => e.OccurredAt).Select(e => e.ActivityId).ToListAsync());
        // Only raw events go: the daily counts stay as they were.
        Assert.Equal(10, rollupsBefore);
        Assert.Equal(rollupsBefore, await after.ActivityRollups.SumAsync(r => r.Count));
        var audits = await after.AuditEntries.Where(a => a.Action == PruneActivityEventsJob.AuditAction).OrderBy(a => a.Sequence).ToListAsync();
        Assert.Equal(3, audits.Count);
        Assert.All(audits, a => Assert.Equal("job:" + PruneActivityEventsJob.JobName, a.Actor));
        Assert.Equal([3, 3, 1], audits.Select(a => System.Text.Json.JsonDocument.Parse(a.After!).RootElement.GetProperty("Deleted").GetInt32()));
        Assert.Contains("\"RetentionDays\":10", audits[0].After, StringComparison.Ordinal);

        // The next night finds nothing to delete and audits nothing.
        var again = await Job(days: 10, batch: 3).RunAsync();

        Assert.Equal(0, again.Deleted);
        Assert.Equal(3, await after.AuditEntries.CountAsync(a => a.Action == PruneActivityEventsJob.AuditAction));
    }

    [Fact]
    public async Task Run_RetentionZero_KeepsEveryEvent()
    {
        await StoreAsync(("ancient", Now.AddYears(-5)), ("recent", Now.AddMinutes(-5)));

        var run = await Job(days: 0).RunAsync();

        Assert.Equal(RetentionRunStatus.KeepForever, run.Status);
        await using var db = await _portal.CreateDbContextAsync();
        Assert.Equal(2, await db.ActivityEvents.CountAsync());
    }

    [Fact]
    public async Task RebuildRollups_AfterRetention_RecountsOnlyTheWindowAndKeepsLastActiveOfIdentitiesWithoutEvents()
    {
        await StoreAsync(("a_old", Cutoff.AddDays(-3)), ("a_new_1", Now.AddDays(-1)), ("a_new_2", Now.AddDays(-1).AddMinutes(1)));
        await StoreForAsync(_bob, ("b_old", Cutoff.AddDays(-5)));
        await Job(days: 10).RunAsync();
        var newDay = DateOnly.FromDateTime(Now.AddDays(-1).UtcDateTime);
        await using (var db = await _portal.CreateDbContextAsync())
        {
            // Drift inside the window, which the rebuild must repair.
            await db.ActivityRollups.Where(r => r.IdentityId == _alice && r.Day == newDay).ExecuteUpdateAsync(s => s.SetProperty(r => r.Count, 99));
        }

        await new RebuildActivityRollups(_portal.Services.GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>(),
            new IngestionOptions { RetentionDays = 10 }, _portal.Time).RunAsync();

        await using var after = await _portal.CreateDbContextAsync();
        var rollups = (await after.ActivityRollups.AsNoTracking().ToListAsync()).Select(r => (r.IdentityId, r.Day, r.Count)).Order().ToList();
        Assert.Equal(new List<(int, DateOnly, int)>
        {
            (_alice, DateOnly.FromDateTime(Cutoff.AddDays(-3).UtcDateTime), 1),
            (_alice, newDay, 2),
            (_bob, DateOnly.FromDateTime(Cutoff.AddDays(-5).UtcDateTime), 1),
        }.Order(), rollups);
        Assert.Equal(Cutoff.AddDays(-5), await after.Identities.Where(i => i.Id == _bob).Select(i => i.LastActiveAt).SingleAsync());
    }

    [Fact]
    public async Task GetConnectorStatus_AfterRetention_ShowsTheWindowAndTheOldestEventKept()
    {
        await StoreAsync(("gone", Now.AddDays(-500)), ("oldest_kept", Now.AddDays(-399)), ("newest", Now.AddMinutes(-3)));
        await Job(days: 400).RunAsync();

        var status = (await _portal.GetRequiredService<GetConnectorStatus>().HandleAsync(new Viewer(null, "admin", new HashSet<string> { Roles.Admin }))).Value;

        Assert.NotNull(status);
        Assert.Equal(400, status.RetentionDays);
        Assert.Equal(Now.AddDays(-399), status.OldestEventAt);
        Assert.Equal(2, status.TotalEvents);
    }
}
