using System.Text.Json;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Tests.Infrastructure.Operations;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Audit;

namespace ReviewPortal.Tests.Features.Audit;

/// <summary>
/// Someone with write access to the database file drops the append-only triggers and edits or
/// deletes a ledger row: the chain verification (handler and `verify-audit` verb) names the entry.
/// Each test tampers with its own portal's database.
/// </summary>
public sealed class AuditTamperTests : IAsyncLifetime
{
    private readonly EmptyPortalAppFactory _portal = new();

    public async Task InitializeAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        for (var n = 1; n <= 5; n++)
        {
            db.Audit(new AuditActor(null, "tamper-test", PortalAppFactory.Now, $"c{n}"), "test.entry", new AuditTarget("Setting", $"s{n}"),
                after: new { value = n });
            await db.SaveChangesAsync();
        }
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private VerifyAuditChain Verify => _portal.GetRequiredService<VerifyAuditChain>();

    private async Task<List<AuditEntry>> LedgerAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
    }

    /// <summary>What an attacker with write access to the database does: drop the append-only guard, then run the statement.</summary>
    private Task TamperAsync(string sql)
    {
        _portal.Database.DropLedgerGuard();
        Assert.Equal(1, _portal.Database.Execute(sql));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Verify_UntouchedLedger_IntactUpToTheHead()
    {
        var ledger = await LedgerAsync();

        var result = await Verify.VerifyAsync();

        Assert.True(result.Intact, result.Summary);
        Assert.Equal(ledger[^1].Sequence, result.VerifiedUpTo);
        Assert.Equal(ledger[^1].Hash, result.HeadHash);
        Assert.Null(result.FirstBrokenSequence);
        Assert.Equal($"Intact up to entry {ledger[^1].Sequence}", result.Summary);
    }

    [Fact]
    public async Task Verify_AfterOfOneEntryEditedInTheDatabase_BrokenAtThatEntryBecauseOfItsHash()
    {
        var target = (await LedgerAsync())[2];
        await TamperAsync($$"""UPDATE "AuditEntries" SET "After" = '{"value":999}' WHERE "Sequence" = {{target.Sequence}}""");

        var result = await Verify.VerifyAsync();

        Assert.False(result.Intact);
        Assert.Equal(target.Sequence, result.FirstBrokenSequence);
        Assert.Equal(target.Sequence - 1, result.VerifiedUpTo);
        Assert.Contains("hash", result.Problem);
        Assert.Contains("changed after it was written", result.Problem);
        Assert.Contains(target.Hash[..12], result.Problem);
        Assert.StartsWith($"Broken at entry {target.Sequence}:", result.Summary);
    }

    [Fact]
    public async Task Verify_MiddleEntryDeleted_ReportsTheMissingSequence()
    {
        var ledger = await LedgerAsync();
        var missing = ledger[2].Sequence;
        await TamperAsync($"""DELETE FROM "AuditEntries" WHERE "Sequence" = {missing}""");

        var result = await Verify.VerifyAsync();

        Assert.False(result.Intact);
        Assert.Equal(missing + 1, result.FirstBrokenSequence);
        Assert.Equal(missing - 1, result.VerifiedUpTo);
        Assert.Contains($"sequence {missing + 1} where {missing} was expected", result.Problem);
        Assert.Contains("missing", result.Problem);
    }

    [Fact]
    public async Task Verify_EditedEntryWithRecomputedHash_BrokenAtTheNextEntry()
    {
        // A smarter forger also recomputes the edited entry's hash: the next entry's link gives it away.
        var ledger = await LedgerAsync();
        var target = ledger[1];
        target.After = """{"value":42}""";
        var forgedHash = AuditChain.ComputeHash(target);
        await TamperAsync($"""UPDATE "AuditEntries" SET "After" = '{target.After}', "Hash" = '{forgedHash}' WHERE "Sequence" = {target.Sequence}""");

        var result = await Verify.VerifyAsync();

        Assert.False(result.Intact);
        Assert.Equal(target.Sequence + 1, result.FirstBrokenSequence);
        Assert.Contains("previous hash", result.Problem);
    }

    [Fact]
    public async Task Insert_ForgedPreviousHashForkingTheChain_RefusedByUniqueIndex()
    {
        var ledger = await LedgerAsync();
        var forkPoint = ledger[^2];
        var fork = new AuditEntry
        {
            OccurredAt = PortalAppFactory.Now, Actor = "forger", Action = "test.fork", TargetType = "Setting", TargetId = "x",
            CorrelationId = "fork", PreviousHash = "", Hash = "",
        };
        // A second successor of entry N-1 (same PreviousHash as entry N), with a fresh sequence number.
        AuditChain.Seal(fork, ledger[^1].Sequence, forkPoint.Hash);

        await using (var db = await _portal.CreateDbContextAsync())
        {
            db.AuditEntries.Add(fork);
            var error = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            var database = Assert.IsAssignableFrom<DbException>(error.InnerException);
            Assert.Contains("unique", database.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("PreviousHash", database.Message);
        }

        Assert.Equal(ledger.Select(e => e.Hash), (await LedgerAsync()).Select(e => e.Hash));
        Assert.True((await Verify.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task VerifyAuditVerb_TamperedDatabaseFile_ExitsOneAndNamesTheEntry()
    {
        var target = (await LedgerAsync())[3];
        await TamperAsync($"""UPDATE "AuditEntries" SET "Actor" = 'someone else' WHERE "Sequence" = {target.Sequence}""");
        using var process = new PortalProcess();

        var result = await process.RunAsync(new Dictionary<string, string>(_portal.Database.EnvironmentVariables)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Demo__SeedOnStartup"] = "false",
        }, "verify-audit");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(result.OutLines, l => l.StartsWith($"Broken at entry {target.Sequence}:", StringComparison.Ordinal));
        using var summary = JsonDocument.Parse(result.OutLines[^1]);
        Assert.False(summary.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal("verify-audit", summary.RootElement.GetProperty("verb").GetString());
        Assert.Contains($"Broken at entry {target.Sequence}", summary.RootElement.GetProperty("error").GetString());
    }
}
