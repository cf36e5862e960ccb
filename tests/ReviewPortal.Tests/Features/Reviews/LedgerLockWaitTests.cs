using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Audit;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Reviews;

/// <summary>
/// A reviewer decides while another connection holds the audit ledger's lock (a campaign closing on another node, a
/// large sync): each attempt of the save waits at most Database:LedgerLockTimeout (here 1 s) for it, then the unit runs
/// again, so the decision is saved once the lock is free, exactly once and with exactly one ledger entry; when the lock
/// stays held through every attempt the reviewer is told the ledger is busy and nothing is saved. On every engine:
/// SQLite's ledger lock is its write lock (BEGIN IMMEDIATE), PostgreSQL's an advisory lock, SQL Server's an application lock.
/// </summary>
public sealed class LedgerLockWaitTests(LedgerLockWaitTests.Portal portal) : IClassFixture<LedgerLockWaitTests.Portal>
{
    public const int Attempts = 4;

    public sealed class Portal() : PortalAppFactory(seedDemo: false)
    {
        public RecordingLogs Logs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Database:LedgerLockTimeout", "00:00:01");
            builder.UseSetting("Database:LedgerLockAttempts", Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        }
    }

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private DecideReviewItem Decide => portal.GetRequiredService<DecideReviewItem>();

    private async Task AssertOneDecisionWithOneEntryAsync(TwoTeams teams, long itemId)
    {
        Assert.Single(await teams.DecisionsAsync(), d => d.ReviewItemId == itemId);
        Assert.Single(await teams.AuditAsync("review.decided"), e => e.TargetId == itemId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var chain = await portal.GetRequiredService<VerifyAuditChain>().VerifyAsync();
        Assert.True(chain.Intact, chain.Summary);
    }

    [Fact]
    public async Task Decide_LedgerLockHeldPastTheLockTimeout_RunsAgainAndIsSavedOnceWithOneEntry()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Alice, teams.User);
        var retries = portal.Logs.Count(LedgerLock.Retrying);
        Task<Result<int>> decision;

        using (var holder = portal.Database.HoldLedgerLock())
        {
            decision = Task.Run(() => Decide.HandleAsync(teams.A, TwoTeams.Command(item, DecisionOutcome.Keep, "Needed for daily work."), "lock-wait"));
            // The first attempt waited the whole lock timeout and gave up; the save runs again and waits again.
            await portal.Logs.WaitForAsync(LedgerLock.Retrying, retries + 1, Deadline);
            Assert.False(decision.IsCompleted);
            holder.Release();
        }
        var result = await decision.WaitAsync(Deadline);

        Assert.True(result.Ok, result.Refusal?.Message);
        Assert.Equal(DecisionOutcome.Keep, (await teams.ItemAsync(item.Id)).Outcome);
        await AssertOneDecisionWithOneEntryAsync(teams, item.Id);
    }

    [Fact]
    public async Task Decide_LedgerLockHeldThroughEveryAttempt_TellsTheReviewerItIsBusyAndSavesNothing()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Alice, teams.User);
        var retries = portal.Logs.Count(LedgerLock.Retrying);
        var command = TwoTeams.Command(item, DecisionOutcome.Revoke, "No longer in the team.");
        Result<int> busy;

        using (portal.Database.HoldLedgerLock())
        {
            busy = await Decide.HandleAsync(teams.A, command, "lock-busy").WaitAsync(Deadline);
        }

        Assert.Equal(RefusalKind.Busy, busy.Refusal?.Kind);
        Assert.Contains("busy", busy.Refusal?.Message);
        Assert.Contains("not saved: try again", busy.Refusal?.Message);
        Assert.Equal(retries + Attempts - 1, portal.Logs.Count(LedgerLock.Retrying));
        var untouched = await teams.ItemAsync(item.Id);
        Assert.Null(untouched.Outcome);
        Assert.Equal(item.Version, untouched.Version);
        Assert.DoesNotContain(await teams.DecisionsAsync(), d => d.ReviewItemId == item.Id);
        Assert.Empty(await teams.AuditAsync("review.decided"));

        // The reviewer tries again once the ledger is free.
        var again = await Decide.HandleAsync(teams.A, command, "lock-busy-again");

        Assert.True(again.Ok, again.Refusal?.Message);
        await AssertOneDecisionWithOneEntryAsync(teams, item.Id);
    }

    [Fact]
    public async Task BulkDecide_LedgerLockHeldPastTheLockTimeout_UnitRunsAgainAndSavesEachItemOnce()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var alice = await teams.ItemAsync(teams.Alice, teams.User);
        var aaron = await teams.ItemAsync(teams.Aaron, teams.User);
        var retries = portal.Logs.Count(LedgerLock.Retrying);
        Task<Result<BulkResult>> bulk;

        using (var holder = portal.Database.HoldLedgerLock())
        {
            bulk = Task.Run(() => portal.GetRequiredService<BulkDecide>()
                .HandleAsync(teams.A, new BulkDecide.Command(TwoTeams.Seen(alice, aaron), DecisionOutcome.Keep, "Both still work here."), "lock-wait-bulk"));
            await portal.Logs.WaitForAsync(LedgerLock.Retrying, retries + 1, Deadline);
            Assert.False(bulk.IsCompleted);
            holder.Release();
        }
        var result = await bulk.WaitAsync(Deadline);

        Assert.Equal(2, result.Value!.Saved);
        Assert.Empty(result.Value.Problems);
        await AssertOneDecisionWithOneEntryAsync(teams, alice.Id);
        await AssertOneDecisionWithOneEntryAsync(teams, aaron.Id);
    }
}
