using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Reviews;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Reviews;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>
/// Issue #14 (2): a campaign that asked to close itself is closed at its due time by the job, through the same unit as an
/// admin's Close (the rule for silence, decision rows, removal tasks), with nobody clicking anything. Each test has its own
/// portal, since each moves the clock past a due date.
/// </summary>
public class AutoCloseCampaignsJobTests
{
    /// <summary>Without Alice's prod admin role: removing it by default would leave prod without an admin, which the launch refuses.</summary>
    private static async Task<TwoTeams> LaunchAsync(PortalAppFactory portal, UnreviewedOutcome rule, bool autoClose = true) =>
        await TwoTeams.LaunchAsync(portal, d => (d.UnreviewedOutcome, d.AutoClose, d.Roles) = (rule, autoClose, TwoTeams.UnprivilegedRoles));

    private static async Task<Campaign> CampaignAsync(PortalAppFactory portal, int id)
    {
        await using var db = await portal.CreateDbContextAsync();
        return await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == id);
    }

    private static async Task<List<RemediationTask>> TasksAsync(TwoTeams teams)
    {
        await using var db = await teams.Portal.CreateDbContextAsync();
        var items = db.ReviewItems.Where(i => i.CampaignId == teams.CampaignId).Select(i => (long?)i.Id);
        return await db.RemediationTasks.AsNoTracking().Where(t => items.Contains(t.ReviewItemId)).OrderBy(t => t.Id).ToListAsync();
    }

    /// <summary>Past the due time (TwoTeams' campaigns are due in 14 days).</summary>
    private static void PassDue(PortalAppFactory portal) => portal.Time.Advance(TimeSpan.FromDays(14) + TimeSpan.FromMinutes(1));

    private static Task<AutoCloseResult> RunJobAsync(PortalAppFactory portal) => portal.GetRequiredService<AutoCloseCampaignsJob>().RunAsync();

    /// <summary>The defaulted items' decision rows: the campaign's creator answers for the rule they chose, at the close.</summary>
    private static async Task AssertDefaultDecisionsAsync(TwoTeams teams, IReadOnlyCollection<long> defaultedIds)
    {
        var rows = (await teams.DecisionsAsync()).Where(d => defaultedIds.Contains(d.ReviewItemId)).ToList();
        Assert.Equal(defaultedIds.Order(), rows.Select(r => r.ReviewItemId).Order());
        Assert.All(rows, r =>
        {
            Assert.Equal(teams.Org.Admin.Id, r.DecidedById);
            Assert.Equal(teams.Portal.Time.GetUtcNow(), r.DecidedAt);
            Assert.Contains("campaign default", r.Justification, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task AutoClose_DueWithNoChange_ClosedItemsLeftUndecidedAndOnlyDecidedRevokesBecomeTasks()
    {
        await using var portal = new EmptyPortalAppFactory();
        var teams = await LaunchAsync(portal, UnreviewedOutcome.NoChange);
        var aaron = await teams.ItemAsync(teams.Aaron, teams.User);
        Assert.True((await portal.GetRequiredService<DecideReviewItem>()
            .HandleAsync(teams.A, TwoTeams.Command(aaron, DecisionOutcome.Revoke, "Left the project in September."), "revoke")).Ok);
        PassDue(portal);

        var run = await RunJobAsync(portal);

        Assert.Equal((1, 1), (run.Closed, run.RemediationTasks));
        var campaign = await CampaignAsync(portal, teams.CampaignId);
        Assert.Equal((CampaignStatus.Closed, portal.Time.GetUtcNow()), (campaign.Status, campaign.ClosedAt));
        Assert.All((await teams.ItemsAsync()).Where(i => i.Id != aaron.Id), i => Assert.Null(i.Outcome));
        Assert.Single(await teams.DecisionsAsync()); // the reviewer's own; silence wrote none
        var task = Assert.Single(await TasksAsync(teams));
        Assert.Equal((aaron.Id, RemediationStatus.Pending), (task.ReviewItemId, task.Status));
        var closedEntry = Assert.Single(await teams.AuditAsync("campaign.closed"));
        Assert.Equal($"job:{AutoCloseCampaignsJob.JobName}", closedEntry.Actor);
    }

    [Fact]
    public async Task AutoClose_DueWithRevoke_EveryUndecidedItemRevokedWithADecisionRowAndATask()
    {
        await using var portal = new EmptyPortalAppFactory();
        var teams = await LaunchAsync(portal, UnreviewedOutcome.Revoke);
        PassDue(portal);

        var run = await RunJobAsync(portal);

        var items = await teams.ItemsAsync();
        Assert.Equal((1, items.Count), (run.Closed, run.RemediationTasks));
        Assert.Equal(CampaignStatus.Closed, (await CampaignAsync(portal, teams.CampaignId)).Status);
        Assert.All(items, i => Assert.Equal(DecisionOutcome.Revoke, i.Outcome));
        await AssertDefaultDecisionsAsync(teams, items.Select(i => i.Id).ToList());
        Assert.Equal(items.Select(i => i.Id).Order(), (await TasksAsync(teams)).Select(t => t.ReviewItemId!.Value).Order());
        Assert.Equal(items.Count, (await teams.AuditAsync("review.defaulted")).Count);
    }

    [Fact]
    public async Task AutoClose_DueWithTakeRecommendation_RevokesWhatWasRecommendedAndLeavesTheRest()
    {
        await using var portal = new EmptyPortalAppFactory();
        var teams = await LaunchAsync(portal, UnreviewedOutcome.TakeRecommendation);
        PassDue(portal);

        var run = await RunJobAsync(portal);

        Assert.Equal((1, 1), (run.Closed, run.RemediationTasks));
        var items = await teams.ItemsAsync();
        var aaron = Assert.Single(items, i => i.IdentityId == teams.Aaron.Id);
        Assert.Equal((Recommendation.Revoke, DecisionOutcome.Revoke), (aaron.Recommendation, aaron.Outcome));
        // Keep and "look closer" recommendations are not acted on by silence.
        Assert.All(items.Where(i => i.Id != aaron.Id), i =>
        {
            Assert.NotEqual(Recommendation.Revoke, i.Recommendation);
            Assert.Null(i.Outcome);
        });
        await AssertDefaultDecisionsAsync(teams, [aaron.Id]);
        Assert.Equal(aaron.Id, Assert.Single(await TasksAsync(teams)).ReviewItemId);
    }

    [Fact]
    public async Task AutoClose_BeforeTheDueTimeOrNotAsked_ClosesNothing()
    {
        await using var portal = new EmptyPortalAppFactory();
        var asked = await LaunchAsync(portal, UnreviewedOutcome.Revoke);
        var notAsked = await LaunchAsync(portal, UnreviewedOutcome.Revoke, autoClose: false);
        portal.Time.Advance(TimeSpan.FromDays(14) - TimeSpan.FromMinutes(1));

        Assert.Equal(0, (await RunJobAsync(portal)).Closed);
        Assert.Equal(CampaignStatus.Active, (await CampaignAsync(portal, asked.CampaignId)).Status);

        portal.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, (await RunJobAsync(portal)).Closed);
        Assert.Equal(CampaignStatus.Closed, (await CampaignAsync(portal, asked.CampaignId)).Status);
        Assert.Equal(CampaignStatus.Active, (await CampaignAsync(portal, notAsked.CampaignId)).Status);
        Assert.All(await notAsked.ItemsAsync(), i => Assert.Null(i.Outcome));
    }

    [Fact]
    public async Task AutoClose_JobRunsTwice_ClosesOnceWithOneSetOfTasks()
    {
        await using var portal = new EmptyPortalAppFactory();
        var teams = await LaunchAsync(portal, UnreviewedOutcome.Revoke);
        PassDue(portal);

        var first = await RunJobAsync(portal);
        // Another run (its own job instance, as a second node's would be, after the first released the lease) finds nothing to close.
        var second = await RunJobAsync(portal);

        Assert.Equal(1, first.Closed);
        Assert.Equal((0, 0), (second.Closed, second.RemediationTasks));
        Assert.Single(await teams.AuditAsync("campaign.closed"));
        Assert.Equal((await teams.ItemsAsync()).Count, (await TasksAsync(teams)).Count);
        Assert.Equal((await teams.ItemsAsync()).Count, (await teams.DecisionsAsync()).Count);
    }

    [Fact]
    public async Task AutoClose_DecisionThenCloseOnTheSameItem_DecisionKeptNotDefaulted()
    {
        await using var portal = new EmptyPortalAppFactory();
        var teams = await LaunchAsync(portal, UnreviewedOutcome.Revoke);
        var alice = await teams.ItemAsync(teams.Alice, teams.User);
        Assert.True((await portal.GetRequiredService<DecideReviewItem>()
            .HandleAsync(teams.A, TwoTeams.Command(alice, DecisionOutcome.Keep), "keep")).Ok);
        PassDue(portal);

        await RunJobAsync(portal);

        var after = await teams.ItemAsync(alice.Id);
        Assert.Equal((DecisionOutcome.Keep, teams.ManagerA.Id), (after.Outcome, after.DecidedById));
        Assert.DoesNotContain(await TasksAsync(teams), t => t.ReviewItemId == alice.Id);
    }
}
