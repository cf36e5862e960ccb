using Microsoft.EntityFrameworkCore;
using ReviewPortal.Claude;
using ReviewPortal.Claude.Models;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Tests.Features.Connectors;

/// <summary>
/// Upstream text longer than the column it would land in. SQLite stores it anyway; PostgreSQL and SQL Server refuse it
/// and fail the whole save, so one odd value used to fail a feed page on every run. A feed record whose identifiers do
/// not fit is quarantined (never stored shortened) and the rest of its page is stored.
/// </summary>
public sealed class OverlongUpstreamValuesTests : IAsyncLifetime
{
    private readonly ConnectorPortalFactory _portal = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private static string Event(string id, DateTimeOffset at, string actor, string type = "claude_chat_created") => $$"""
        {"id":"{{id}}","created_at":"{{ClaudeJson.FormatTimestamp(at)}}","organization_id":null,"organization_uuid":null,"actor":{{actor}},"type":"{{type}}"}
        """;

    private async Task<List<QuarantinedRecord>> QuarantinedAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        return await db.QuarantinedRecords.AsNoTracking().OrderBy(q => q.Id).ToListAsync();
    }

    [Fact]
    public async Task Ingest_FederatedActorWithOverlongSubject_QuarantinedWhileItsPageIsStoredAndTheCursorMoves()
    {
        var history = await _portal.ServedActivitiesAsync();
        // On the second page of the backfill, far from the overlap window the reconciliation re-reads.
        var at = history[ConnectorPortalFactory.PageSize + 10].CreatedAt;
        var subject = "repo:northwind/deploy:ref:refs/heads/" + new string('x', 400 - "repo:northwind/deploy:ref:refs/heads/".Length);
        const string id = "activity_01FederatedOverlongSubject";
        _portal.Organization.AddEvents([Event(id, at, $$"""
            {"type":"federated_identity_actor","issuer":"https://token.actions.githubusercontent.com","subject":"{{subject}}","audience":["https://api.anthropic.com"]}
            """, "platform_file_uploaded")]);
        var served = await _portal.ServedActivitiesAsync();
        Assert.Contains(served, a => a.Id == id);

        var run = await _portal.IngestAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        Assert.Equal(1, run.Quarantined);
        Assert.Equal(served.Count - 1, run.Stored);
        await IngestActivityJobTests.AssertStoredExactlyOnceAsync(_portal, served.Where(a => a.Id != id).ToList());
        Assert.Equal(served[^1].Id, await _portal.CursorAsync());
        var quarantined = Assert.Single(await QuarantinedAsync());
        Assert.Equal(run.Id, quarantined.IngestionRunId);
        Assert.Contains("actor id", quarantined.Reason, StringComparison.Ordinal);
        Assert.Contains(subject, quarantined.RawJson, StringComparison.Ordinal);
        await using var db = await _portal.CreateDbContextAsync();
        Assert.False(await db.Identities.AnyAsync(i => i.ExternalId.StartsWith("fed:")), "no placeholder with a shortened key");
    }

    [Fact]
    public async Task Ingest_LastRecordWithIdLongerThanTheCursorColumn_QuarantinedAndTheCursorStaysOnTheLastStoredId()
    {
        var history = await _portal.ServedActivitiesAsync();
        var last = history[^1];
        // Same time as the newest record and an id that sorts after it: the feed's (and its last page's) final record.
        var id = "activity_zz" + new string('z', MaxLengths.IngestionCursor.Cursor);
        _portal.Organization.AddEvents([Event(id, last.CreatedAt, """{"type":"system_actor","service":"indexer"}""")]);
        var served = await _portal.ServedActivitiesAsync();
        Assert.Equal(id, served[^1].Id);

        var run = await _portal.IngestAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        Assert.Equal(last.Id, await _portal.CursorAsync());
        Assert.Equal(last.Id, run.LastCursor);
        await IngestActivityJobTests.AssertStoredExactlyOnceAsync(_portal, history);
        // Quarantined by the catch-up, and again by the overlap re-poll when the record is recent enough to be in it.
        var quarantined = await QuarantinedAsync();
        Assert.Equal(1 + _portal.InOverlapWindow([served[^1]]).Count, quarantined.Count);
        Assert.All(quarantined, q => Assert.Contains("activity id", q.Reason, StringComparison.Ordinal));
        Assert.Equal(quarantined.Count, run.Quarantined);
    }
}

