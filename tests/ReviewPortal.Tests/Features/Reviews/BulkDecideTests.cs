using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Reviews;

/// <summary>One decision over a selection, accept-recommendations, and the second stage a Keep opens.</summary>
public class BulkDecideTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private BulkDecide Handler => portal.GetRequiredService<BulkDecide>();

    [Fact]
    public async Task Bulk_RevokeSelectedItemsWithOneJustification_OneDecisionAndOneAuditEntryEach()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var shown = TwoTeams.Seen(await teams.ItemAsync(teams.Alice, teams.User), await teams.ItemAsync(teams.Alice, teams.Developer),
            await teams.ItemAsync(teams.Aaron, teams.User));
        var selected = shown.Select(i => i.ItemId).ToList();

        var result = await Handler.HandleAsync(teams.A, new BulkDecide.Command(shown, DecisionOutcome.Revoke, "Project ended in October."), "bulk");

        Assert.Equal((3, 0), (result.Value!.Saved, result.Value.Skipped));
        Assert.Empty(result.Value.ChangedMeanwhile);
        var decisions = await teams.DecisionsAsync();
        Assert.Equal(selected.Order(), decisions.Select(d => d.ReviewItemId).Order());
        Assert.All(decisions, d => Assert.Equal((DecisionOutcome.Revoke, "Project ended in October."), (d.Outcome, d.Justification)));
        var audit = await teams.AuditAsync("review.decided");
        // Compared as numbers: as text "10" sorts before "9", and the ids depend on which tests ran first in this fixture.
        Assert.Equal(selected.Order(), audit.Select(a => long.Parse(a.TargetId, System.Globalization.CultureInfo.InvariantCulture)).Order());
        Assert.All(audit, a => Assert.Equal("bulk", a.CorrelationId));
        Assert.All(await teams.ItemsAsync(), i => Assert.Equal(selected.Contains(i.Id) ? DecisionOutcome.Revoke : null, i.Outcome));
    }

    [Fact]
    public async Task Bulk_RevokeWithoutJustification_NothingSavedAndEachItemReported()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var selected = TwoTeams.Seen(await teams.ItemAsync(teams.Alice, teams.User), await teams.ItemAsync(teams.Aaron, teams.User));

        var result = await Handler.HandleAsync(teams.A, new BulkDecide.Command(selected, DecisionOutcome.Revoke, null), "bulk");

        Assert.Equal((0, 2), (result.Value!.Saved, result.Value.Skipped));
        Assert.Equal(2, result.Value.Problems.Count);
        Assert.Empty(await teams.DecisionsAsync());
        Assert.Empty(await teams.AuditAsync("review.decided"));
    }

    [Fact]
    public async Task Bulk_JustificationLongerThanTheColumn_RefusedWithItsMessageAndNothingSaved()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var selected = TwoTeams.Seen(await teams.ItemAsync(teams.Alice, teams.User), await teams.ItemAsync(teams.Aaron, teams.User));
        var justification = new string('j', MaxLengths.ReviewDecision.Justification + 1);

        var result = await Handler.HandleAsync(teams.A, new BulkDecide.Command(selected, DecisionOutcome.Revoke, justification), "bulk");

        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        Assert.Equal($"Keep the justification to {MaxLengths.ReviewDecision.Justification} characters; this one has {justification.Length}.",
            result.Refusal?.Message);
        Assert.Empty(await teams.DecisionsAsync());
        Assert.Empty(await teams.AuditAsync("review.decided"));
    }

    [Fact]
    public async Task AcceptRecommendations_MixedRecommendations_DecidesPerRecommendationAndLeavesLookCloser()
    {
        var teams = await TwoTeams.LaunchAsync(portal);

        var result = await Handler.AcceptRecommendationsAsync(teams.A, await teams.AcceptableOnScreenAsync(teams.A), "accept");

        Assert.Equal((4, 0), (result.Value!.Saved, result.Value.Skipped));
        Assert.Equal(DecisionOutcome.Keep, (await teams.ItemAsync(teams.Alice, teams.User)).Outcome);
        Assert.Equal(DecisionOutcome.Keep, (await teams.ItemAsync(teams.Alice, teams.Developer)).Outcome);
        var reduced = await teams.ItemAsync(teams.Alice, teams.ProdAdmin);
        Assert.Equal((DecisionOutcome.Reduce, teams.Developer.Id), (reduced.Outcome, reduced.ReducedToEntitlementId));
        var revoked = await teams.ItemAsync(teams.Aaron, teams.User);
        Assert.Equal(DecisionOutcome.Revoke, revoked.Outcome);
        Assert.Equal($"Accepted the recommendation: {revoked.RecommendationReason}", revoked.Justification);
        var lookCloser = await teams.ItemAsync(teams.GonesKey, teams.KeyActive);
        Assert.Equal(Recommendation.LookCloser, lookCloser.Recommendation);
        Assert.Null(lookCloser.Outcome);
        Assert.Equal(4, (await teams.AuditAsync("review.decided")).Count);
    }

    [Fact]
    public async Task Decide_StageOneKeepWithSecondStage_OpensExactlyOneStageTwoItemForTheResourceOwner()
    {
        var teams = await TwoTeams.LaunchAsync(portal, d => { d.SecondStage = true; d.SecondStageOutcomes = [DecisionOutcome.Keep]; });
        var decide = portal.GetRequiredService<DecideReviewItem>();
        var item = await teams.ItemAsync(teams.Alice, teams.Developer);

        var kept = await decide.HandleAsync(teams.A, TwoTeams.Command(item, DecisionOutcome.Keep), "stage-1");
        // Changing one's mind (Keep again, with reasons) must not open a second stage-two item.
        var again = await decide.HandleAsync(teams.A, TwoTeams.Command(await teams.ItemAsync(item.Id), DecisionOutcome.Keep, "Confirmed with her lead."),
            "stage-1-again");

        Assert.Equal((true, true), (kept.Ok, again.Ok));
        var stageTwo = Assert.Single(await teams.ItemsAsync(), i => i.Stage == 2);
        Assert.Equal((item.GrantId, teams.Olga.Id), (stageTwo.GrantId, stageTwo.ReviewerId));
        Assert.Equal(item.EvidenceHash, stageTwo.EvidenceHash);
        Assert.Null(stageTwo.Outcome);
    }

    [Fact]
    public async Task Decide_StageOneKeepThenRevoke_UndecidedStageTwoItemWithdrawnAndAudited()
    {
        var teams = await TwoTeams.LaunchAsync(portal, d => { d.SecondStage = true; d.SecondStageOutcomes = [DecisionOutcome.Keep]; });
        var decide = portal.GetRequiredService<DecideReviewItem>();
        var item = await teams.ItemAsync(teams.Alice, teams.Developer);
        await decide.HandleAsync(teams.A, TwoTeams.Command(item, DecisionOutcome.Keep), "stage-1");
        Assert.Single(await teams.ItemsAsync(), i => i.Stage == 2 && i.GrantId == item.GrantId);

        var revoked = await decide.HandleAsync(teams.A, TwoTeams.Command(await teams.ItemAsync(item.Id), DecisionOutcome.Revoke, "She moved to the data team."),
            "stage-1-changed");

        Assert.True(revoked.Ok, revoked.Refusal?.Message);
        Assert.DoesNotContain(await teams.ItemsAsync(), i => i.Stage == 2 && i.GrantId == item.GrantId);
        var withdrawn = Assert.Single(await teams.AuditAsync("review.stage-two-withdrawn"));
        Assert.Equal("stage-1-changed", withdrawn.CorrelationId);
        Assert.Contains("Revoke", withdrawn.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_StageOneChangedAfterStageTwoDecided_StageTwoDecisionStands()
    {
        var teams = await TwoTeams.LaunchAsync(portal, d => { d.SecondStage = true; d.SecondStageOutcomes = [DecisionOutcome.Keep]; });
        var decide = portal.GetRequiredService<DecideReviewItem>();
        var item = await teams.ItemAsync(teams.Alice, teams.Developer);
        await decide.HandleAsync(teams.A, TwoTeams.Command(item, DecisionOutcome.Keep), "stage-1");
        var stageTwo = Assert.Single(await teams.ItemsAsync(), i => i.Stage == 2 && i.GrantId == item.GrantId);
        Assert.True((await decide.HandleAsync(TestOrg.Viewer(teams.Olga), TwoTeams.Command(stageTwo, DecisionOutcome.Keep), "stage-2")).Ok);

        await decide.HandleAsync(teams.A, TwoTeams.Command(await teams.ItemAsync(item.Id), DecisionOutcome.Revoke, "She moved to the data team."), "late");

        var stillThere = Assert.Single(await teams.ItemsAsync(), i => i.Stage == 2 && i.GrantId == item.GrantId);
        Assert.Equal(DecisionOutcome.Keep, stillThere.Outcome);
        Assert.Empty(await teams.AuditAsync("review.stage-two-withdrawn"));
    }

    [Fact]
    public async Task Decide_StageOneRevokeWithSecondStageOnKeep_NoStageTwoItem()
    {
        var teams = await TwoTeams.LaunchAsync(portal, d => { d.SecondStage = true; d.SecondStageOutcomes = [DecisionOutcome.Keep]; });
        var item = await teams.ItemAsync(teams.Alice, teams.Developer);

        var revoked = await portal.GetRequiredService<DecideReviewItem>().HandleAsync(teams.A,
            TwoTeams.Command(item, DecisionOutcome.Revoke, "She moved to the data team."), "stage-1");

        Assert.True(revoked.Ok, revoked.Refusal?.Message);
        Assert.DoesNotContain(await teams.ItemsAsync(), i => i.Stage == 2);
    }

    [Fact]
    public async Task AcceptRecommendations_WithSecondStage_StageTwoItemsOnlyForTheKeepsOwnerOrElseFallback()
    {
        var teams = await TwoTeams.LaunchAsync(portal, d => { d.SecondStage = true; d.SecondStageOutcomes = [DecisionOutcome.Keep]; });

        await Handler.AcceptRecommendationsAsync(teams.A, await teams.AcceptableOnScreenAsync(teams.A), "accept");

        var items = await teams.ItemsAsync();
        var kept = items.Where(i => i.Stage == 1 && i.Outcome == DecisionOutcome.Keep).Select(i => i.GrantId).Order().ToList();
        Assert.Equal(2, kept.Count);
        Assert.Equal(kept, items.Where(i => i.Stage == 2).Select(i => i.GrantId).Order());
        // prod has an owner (Olga); the org has none, so its stage-two item goes to the fallback reviewer.
        Assert.Equal(teams.Olga.Id, items.Single(i => i.Stage == 2 && i.EntitlementId == teams.Developer.Id).ReviewerId);
        Assert.Equal(teams.Org.Admin.Id, items.Single(i => i.Stage == 2 && i.EntitlementId == teams.User.Id).ReviewerId);
    }
}
