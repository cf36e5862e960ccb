using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Tests.Data;

/// <summary>The hash-chained audit ledger on a real, migrated SQLite file.</summary>
public class AuditLedgerTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private static AuditActor Actor(string correlation = "test") => new(null, "test-runner", PortalAppFactory.Now, correlation);

    private async Task<List<AuditEntry>> LedgerAsync()
    {
        await using var db = await portal.CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
    }

    /// <summary>Asserts the whole ledger is one gap-free chain from genesis whose hashes recompute.</summary>
    private static void AssertValidChain(IReadOnlyList<AuditEntry> ledger)
    {
        var previous = AuditChain.Genesis;
        for (var i = 0; i < ledger.Count; i++)
        {
            var entry = ledger[i];
            Assert.Equal(i + 1, entry.Sequence);
            Assert.Equal(previous, entry.PreviousHash);
            Assert.Equal(AuditChain.ComputeHash(entry), entry.Hash);
            previous = entry.Hash;
        }
    }

    [Fact]
    public async Task SaveChanges_StagedEntries_AppendsGapFreeValidChain()
    {
        var headBefore = (await LedgerAsync()).Count;
        await using (var db = await portal.CreateDbContextAsync())
        {
            db.Audit(Actor("batch"), "test.first", new AuditTarget("Setting", "a"), after: new { value = 1 });
            db.Audit(Actor("batch"), "test.second", new AuditTarget("Setting", "b"), before: "old", after: "new");
            db.Audit(Actor("batch"), "test.third", new AuditTarget("Setting", "c"));
            await db.SaveChangesAsync();
            Assert.False(db.HasPendingAudit);
        }

        var ledger = await LedgerAsync();
        AssertValidChain(ledger);
        var written = ledger.Skip(headBefore).ToList();
        Assert.Equal(["test.first", "test.second", "test.third"], written.Select(e => e.Action));
        Assert.Equal("""{"value":1}""", written[0].After);
        Assert.Equal("old", written[1].Before);
        Assert.All(written, e => Assert.Equal(PortalAppFactory.Now, e.OccurredAt));
    }

    [Fact]
    public async Task SaveChanges_HundredsOfEntriesOfEveryShape_WrittenTogetherInOrderAndReadBackAsStaged()
    {
        // More entries than two multi-row INSERTs hold, plus a remainder (SQLite, SQL Server), or one binary COPY
        // (PostgreSQL); values of every shape: nulls, quotes, non-ASCII text, JSON longer than 4,000 characters.
        const int count = 2 * 149 + 17;
        var headBefore = (await LedgerAsync()).Count;
        var staged = Enumerable.Range(0, count).Select(i => new
        {
            Actor = i % 2 == 0 ? $"O'Brien \"{i}\"" : $"Zoë 東京 {i}",
            ActorId = i % 5 == 0 ? (int?)null : i,
            Target = $"item-{i}",
            Before = i % 3 == 0 ? null : $"{{\"n\":{i},\"note\":\"it's \\\"quoted\\\"\"}}",
            After = i % 50 == 0 ? new string('x', 5000) + i : $"after {i}",
            IdentityId = i % 4 == 0 ? (int?)null : 1000 + i,
            CampaignId = i % 7 == 0 ? (int?)null : 7,
        }).ToList();
        await using (var db = await portal.CreateDbContextAsync())
        {
            foreach (var s in staged)
            {
                db.Audit(new AuditActor(s.ActorId, s.Actor, PortalAppFactory.Now, "many"), "test.many", new AuditTarget("Setting", s.Target),
                    s.Before, s.After, s.IdentityId, s.CampaignId);
            }
            await db.SaveChangesAsync();
        }

        var ledger = await LedgerAsync();
        AssertValidChain(ledger);
        var written = ledger.Skip(headBefore).ToList();
        Assert.Equal(count, written.Count);
        for (var i = 0; i < count; i++)
        {
            var (s, e) = (staged[i], written[i]);
            Assert.Equal((s.Actor, s.ActorId, s.Target, s.Before, s.After, s.IdentityId, s.CampaignId),
                (e.Actor, e.ActorId, e.TargetId, e.Before, e.After, e.IdentityId, e.CampaignId));
        }
        Assert.All(written, e => Assert.Equal(PortalAppFactory.Now, e.OccurredAt));
    }

    [Fact]
    public async Task SaveChanges_TimeFinerThanTheColumnKeeps_EntryStillVerifiesWhenReadBack()
    {
        // A real clock's instant carries 100 ns ticks; PostgreSQL's timestamptz keeps microseconds. The hash must be of the
        // instant the database gives back, or every entry written by a running portal fails verification.
        var at = PortalAppFactory.Now.AddTicks(1_234_567);
        await using (var db = await portal.CreateDbContextAsync())
        {
            db.Audit(new AuditActor(null, "test-runner", at, "ticks"), "test.fine-time", new AuditTarget("Setting", "ticks"));
            await db.SaveChangesAsync();
        }

        var entry = (await LedgerAsync()).Last();
        Assert.Equal("test.fine-time", entry.Action);
        Assert.Equal(AuditChain.ComputeHash(entry), entry.Hash);
        Assert.InRange(entry.OccurredAt, at.AddTicks(-9), at);
        AssertValidChain(await LedgerAsync());
    }

    [Fact]
    public async Task SaveChanges_NewEntityAsTarget_RecordsGeneratedKey()
    {
        var identity = new Identity { ExternalId = $"user_{Guid.NewGuid():N}", DisplayName = "New Person", CreatedAt = PortalAppFactory.Now };
        await using (var db = await portal.CreateDbContextAsync())
        {
            db.Identities.Add(identity);
            db.Audit(Actor(), "identity.created", identity, identityId: null);
            await db.SaveChangesAsync();
        }

        Assert.True(identity.Id > 0);
        var entry = (await LedgerAsync()).Last();
        Assert.Equal("identity.created", entry.Action);
        Assert.Equal("Identity", entry.TargetType);
        Assert.Equal(identity.Id.ToString(), entry.TargetId);
    }

    [Fact]
    public async Task SaveChanges_ChangeViolatesUniqueIndex_WritesNoAuditEntry()
    {
        var externalId = $"user_{Guid.NewGuid():N}";
        await using (var db = await portal.CreateDbContextAsync())
        {
            db.Identities.Add(new Identity { ExternalId = externalId, DisplayName = "Original", CreatedAt = PortalAppFactory.Now });
            await db.SaveChangesAsync();
        }
        var before = await LedgerAsync();

        await using (var db = await portal.CreateDbContextAsync())
        {
            var duplicate = new Identity { ExternalId = externalId, DisplayName = "Duplicate", CreatedAt = PortalAppFactory.Now };
            db.Identities.Add(duplicate);
            db.Audit(Actor(), "identity.created", duplicate);
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }

        var after = await LedgerAsync();
        Assert.Equal(before.Count, after.Count);
        Assert.DoesNotContain(after, e => e.Action == "identity.created" && e.TargetId == "0");
        await using var check = await portal.CreateDbContextAsync();
        Assert.Equal(1, await check.Identities.CountAsync(i => i.ExternalId == externalId));
    }

    [Theory]
    [InlineData("""UPDATE "AuditEntries" SET "Actor" = 'tampered'""")]
    [InlineData("""DELETE FROM "AuditEntries" """)]
    public async Task RawSql_UpdateOrDelete_RefusedByTrigger(string sql)
    {
        await using (var db = await portal.CreateDbContextAsync())
        {
            db.Audit(Actor(), "test.protected", new AuditTarget("Setting", "x"));
            await db.SaveChangesAsync();
        }
        var before = await LedgerAsync();

        await using (var db = await portal.CreateDbContextAsync())
        {
            var error = await Assert.ThrowsAnyAsync<DbException>(() => db.Database.ExecuteSqlRawAsync(sql));
            Assert.Contains("append-only", error.Message);
        }

        var after = await LedgerAsync();
        Assert.Equal(before.Select(e => (e.Sequence, e.Actor, e.Hash)), after.Select(e => (e.Sequence, e.Actor, e.Hash)));
    }

    [Fact]
    public async Task SaveChanges_TwoConcurrentWriters_KeepOneChainWithoutFork()
    {
        const int perWriter = 50;
        var headBefore = (await LedgerAsync()).Count;
        using var start = new ManualResetEventSlim();

        async Task WriteAsync(string writer)
        {
            await using var db = await portal.CreateDbContextAsync();
            start.Wait();
            for (var n = 0; n < perWriter; n++)
            {
                db.Audit(Actor(writer), "test.concurrent", new AuditTarget("Writer", $"{writer}-{n}"));
                await db.SaveChangesAsync();
            }
        }

        var writers = new[] { Task.Run(() => WriteAsync("a")), Task.Run(() => WriteAsync("b")) };
        start.Set();
        await Task.WhenAll(writers);

        var ledger = await LedgerAsync();
        AssertValidChain(ledger);
        var written = ledger.Skip(headBefore).ToList();
        Assert.Equal(2 * perWriter, written.Count);
        Assert.Equal(Enumerable.Range(headBefore + 1, 2 * perWriter).Select(i => (long)i), written.Select(e => e.Sequence));
        Assert.Equal(ledger.Count, ledger.Select(e => e.PreviousHash).Distinct().Count());
        Assert.Equal(perWriter, written.Count(e => e.CorrelationId == "a"));
        Assert.Equal(perWriter, written.Count(e => e.CorrelationId == "b"));
    }
}
