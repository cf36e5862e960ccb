using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Reviews;

/// <summary>
/// Rubber-stamp flags per reviewer across campaigns (issue #16, 7), each on fixed decision rows that fire exactly that flag,
/// bulk decisions counted at their share of the time on screen, the system's and the close's decisions left out.
/// </summary>
public class ReviewerQualityTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private static readonly DateTimeOffset Start = TestOrg.Now.AddDays(1);

    /// <summary>A manager with <paramref name="count"/> reports, one grant each, launched: the manager's items, by id.</summary>
    private async Task<(TestOrg Org, Identity Manager, List<long> Items)> SeedAsync(string name, int count)
    {
        var org = new TestOrg(name);
        var manager = org.Person("Manager");
        var role = org.Role(org.Workspace("ws", owner: null), "workspace_developer");
        for (var i = 0; i < count; i++)
        {
            org.Grant(org.Person($"Report {i}", manager), role);
        }
        await org.SaveAsync(portal);
        var launched = await portal.LaunchCampaignAsync(org.Definition(), org.AdminViewer);
        Assert.True(launched.Ok, launched.Refusal?.Message);
        await using var db = await portal.CreateDbContextAsync();
        var items = await db.ReviewItems.Where(i => i.CampaignId == launched.Value.CampaignId && i.ReviewerId == manager.Id)
            .OrderBy(i => i.Id).Select(i => i.Id).ToListAsync();
        Assert.Equal(count, items.Count);
        return (org, manager, items);
    }

    /// <summary>Fixed rows: item i recommended <paramref name="recommend"/>(i), decided <paramref name="outcome"/>(i) at Start + i × <paramref name="apart"/>.</summary>
    private async Task DecideAsync(Identity reviewer, List<long> items, Func<int, Recommendation> recommend, Func<int, DecisionOutcome> outcome,
        TimeSpan apart, double? seconds, string? justification = null)
    {
        await using var db = await portal.CreateDbContextAsync();
        for (var i = 0; i < items.Count; i++)
        {
            var rec = recommend(i);
            await db.ReviewItems.Where(x => x.Id == items[i]).ExecuteUpdateAsync(s => s.SetProperty(x => x.Recommendation, rec));
            db.ReviewDecisions.Add(new ReviewDecision
            {
                ReviewItemId = items[i], Outcome = outcome(i), DecidedById = reviewer.Id, DecidedAt = Start + apart * i,
                EvidenceHash = "h", SecondsToDecide = seconds, Justification = justification,
            });
        }
        await db.SaveChangesAsync();
    }

    private async Task<ReviewerQualityRow> RowAsync(Identity reviewer, Viewer? viewer = null)
    {
        // A Compliance officer: the role is what the handler checks.
        var result = await portal.GetRequiredService<GetReviewerQuality>().HandleAsync(viewer ?? new Viewer(null, "Compliance officer", new HashSet<string> { Roles.Compliance }));
        Assert.True(result.Ok, result.Refusal?.Message);
        return Assert.Single(result.Value.Reviewers, r => r.ReviewerId == reviewer.Id);
    }

    [Fact]
    public async Task KeepsEverything_FlaggedForTheApproveRate_Only()
    {
        var (_, manager, items) = await SeedAsync("quality-keep", 20);
        await DecideAsync(manager, items, i => i % 2 == 0 ? Recommendation.Keep : Recommendation.Revoke, _ => DecisionOutcome.Keep,
            TimeSpan.FromMinutes(2), seconds: 30);

        var row = await RowAsync(manager);

        Assert.Equal(["Approves 100 % of items: kept 20 of 20 decisions (flagged at 98 % or more)."], row.Flags);
        Assert.Equal((20, 1.0, 30.0, 0.5, 1), (row.Decisions, row.KeepRate, row.MedianSeconds, row.FollowedRate, row.BusiestMinute));
    }

    [Fact]
    public async Task DecidesInSeconds_FlaggedForTheMedian_Only()
    {
        var (_, manager, items) = await SeedAsync("quality-fast", 20);
        await DecideAsync(manager, items, _ => Recommendation.LookCloser, i => i % 2 == 0 ? DecisionOutcome.Keep : DecisionOutcome.Revoke,
            TimeSpan.FromMinutes(2), seconds: 2);

        var row = await RowAsync(manager);

        Assert.Equal(["Median 2 s per decision over 20 timed decisions (flagged under 5 s)."], row.Flags);
    }

    [Fact]
    public async Task FollowsEveryRecommendation_FlaggedForIt_Only()
    {
        var (_, manager, items) = await SeedAsync("quality-follow", 20);
        await DecideAsync(manager, items, i => i % 2 == 0 ? Recommendation.Keep : Recommendation.Revoke,
            i => i % 2 == 0 ? DecisionOutcome.Keep : DecisionOutcome.Revoke, TimeSpan.FromMinutes(2), seconds: 40);

        var row = await RowAsync(manager);

        Assert.Equal(["Accepted every recommendation: followed it on all 20 decisions."], row.Flags);
    }

    [Fact]
    public async Task DecidesSixtyInHalfAMinute_FlaggedForTheBusiestMinute_Only()
    {
        var (_, manager, items) = await SeedAsync("quality-minute", 60);
        await DecideAsync(manager, items, _ => Recommendation.LookCloser, i => i % 2 == 0 ? DecisionOutcome.Keep : DecisionOutcome.Revoke,
            TimeSpan.FromSeconds(0.5), seconds: 20);

        var row = await RowAsync(manager);

        Assert.Equal([$"Decided 60 items within one minute (from {Start.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC; flagged above 50)."], row.Flags);
    }

    [Fact]
    public async Task BulkDecision_CountsEachItemAtItsShareOfTheTimeOnScreen_AndDefaultsAreLeftOut()
    {
        var (org, manager, items) = await SeedAsync("quality-bulk", 20);
        await using (var db = await portal.CreateDbContextAsync())
        {
            var seen = await db.ReviewItems.Where(i => items.Contains(i.Id)).Select(i => new SeenItem(i.Id, i.Version)).ToListAsync();
            var bulk = await portal.GetRequiredService<BulkDecide>().HandleAsync(TestOrg.Viewer(manager),
                new BulkDecide.Command(seen, DecisionOutcome.Keep, "Still needed for the quarterly figures.") { SecondsOnScreen = 10 }, "test-bulk");
            Assert.True(bulk.Ok, bulk.Refusal?.Message);
            Assert.True(bulk.Value!.Saved == 20, string.Join("; ", bulk.Value.Problems));
        }
        // A close's default names the admin who closed: not a choice of theirs, so not in their figures.
        var (_, _, other) = await SeedAsync("quality-default", 3);
        await DecideAsync(org.Admin, other, _ => Recommendation.Revoke, _ => DecisionOutcome.Revoke, TimeSpan.FromSeconds(1), seconds: null,
            justification: $"{ReviewItem.DefaultJustification} (revoke).");

        var row = await RowAsync(manager);
        var all = await portal.GetRequiredService<GetReviewerQuality>().HandleAsync(TestOrg.Viewer(org.Admin, Roles.Admin));

        Assert.Equal((20, 0.5), (row.Decisions, row.MedianSeconds));
        Assert.Contains("Median 0.5 s per decision over 20 timed decisions (flagged under 5 s).", row.Flags);
        Assert.DoesNotContain(all.Value!.Reviewers, r => r.ReviewerId == org.Admin.Id);
    }

    [Fact]
    public async Task Manager_IsRefused()
    {
        var (_, manager, items) = await SeedAsync("quality-refused", 10);
        await DecideAsync(manager, items, _ => Recommendation.Keep, _ => DecisionOutcome.Keep, TimeSpan.FromSeconds(1), seconds: 1);

        // A manager with reports to review and no app role: their own figures are not theirs to read here.
        var result = await portal.GetRequiredService<GetReviewerQuality>().HandleAsync(TestOrg.Viewer(manager));

        Assert.Equal(RefusalKind.Forbidden, result.Refusal?.Kind);
    }
}
