using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Reviews;

/// <summary>One reviewer decides one item: self-review, concurrency, justification rules, evidence hash and audit.</summary>
public class DecideReviewItemTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private DecideReviewItem Handler => portal.GetRequiredService<DecideReviewItem>();

    private async Task AssignAsync(ReviewItem item, int reviewerId)
    {
        await using var db = await portal.CreateDbContextAsync();
        await db.ReviewItems.Where(i => i.Id == item.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.ReviewerId, reviewerId));
    }

    private static async Task AssertNothingStoredAsync(TwoTeams teams, ReviewItem before)
    {
        var after = await teams.ItemAsync(before.Id);
        Assert.Null(after.Outcome);
        Assert.Equal(before.Version, after.Version);
        Assert.Empty(await teams.DecisionsAsync());
        Assert.Empty(await teams.AuditAsync("review.decided"));
    }

    [Fact]
    public async Task Decide_ViewerIsTheHolderOfAnItemAssignedToThem_ForbiddenAndNothingStored()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Alice, teams.User);
        await AssignAsync(item, teams.Alice.Id);

        var result = await Handler.HandleAsync(TestOrg.Viewer(teams.Alice), TwoTeams.Command(item, DecisionOutcome.Keep), "test");

        Assert.Equal(RefusalKind.Forbidden, result.Refusal?.Kind);
        Assert.Equal("You cannot review your own access.", result.Refusal?.Message);
        await AssertNothingStoredAsync(teams, item);
    }

    [Fact]
    public async Task Decide_NhiOwnerAssignedTheirKeyUnderManagerRule_Forbidden()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.GonesKey, teams.KeyActive);
        await AssignAsync(item, teams.Gone.Id);

        var result = await Handler.HandleAsync(TestOrg.Viewer(teams.Gone), TwoTeams.Command(item, DecisionOutcome.Keep, "It is still needed."), "test");

        Assert.Equal(RefusalKind.Forbidden, result.Refusal?.Kind);
        await AssertNothingStoredAsync(teams, item);
    }

    [Theory]
    [InlineData("holder")]
    [InlineData("owner")]
    public async Task Reassign_ToTheHolderOrTheNhiOwner_InvalidOnReassignToIdAndStillAssigned(string target)
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = target == "holder" ? await teams.ItemAsync(teams.Alice, teams.User) : await teams.ItemAsync(teams.GonesKey, teams.KeyActive);
        var to = target == "holder" ? teams.Alice.Id : teams.Gone.Id;

        var result = await Handler.HandleAsync(teams.A, TwoTeams.Command(item, DecisionOutcome.Reassign, "They know this access best.") with
        {
            ReassignToId = to,
        }, "test");

        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        Assert.Contains("ReassignToId", result.Refusal!.FieldErrors!.Keys);
        var after = await teams.ItemAsync(item.Id);
        Assert.Equal(teams.ManagerA.Id, after.ReviewerId);
        Assert.Empty(await teams.AuditAsync("review.reassigned"));
    }

    [Fact]
    public async Task Reassign_ToAnotherEmployedPerson_ReviewerChangesAndAudited()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Alice, teams.User);

        var result = await Handler.HandleAsync(teams.A, TwoTeams.Command(item, DecisionOutcome.Reassign, "Olga runs the project she works on.") with
        {
            ReassignToId = teams.Olga.Id,
        }, "test");

        Assert.True(result.Ok, result.Refusal?.Message);
        Assert.Equal(teams.Olga.Id, (await teams.ItemAsync(teams.Alice, teams.User)).ReviewerId);
        Assert.Single(await teams.AuditAsync("review.reassigned"));
    }

    [Fact]
    public async Task Decide_TwoTabsSameExpectedVersion_FirstSavedSecondConflictNamingTheWinner()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Alice, teams.User);

        var first = await Handler.HandleAsync(teams.A, TwoTeams.Command(item, DecisionOutcome.Keep), "tab-1");
        var second = await Handler.HandleAsync(teams.A, TwoTeams.Command(item, DecisionOutcome.Revoke, "Revoking from the other tab."), "tab-2");

        Assert.True(first.Ok, first.Refusal?.Message);
        Assert.Equal(item.Version + 1, first.Value);
        Assert.Equal(RefusalKind.Conflict, second.Refusal?.Kind);
        Assert.Contains($"It is now \"Keep\" by {teams.ManagerA.DisplayName}", second.Refusal?.Message);
        Assert.Contains("Your choice was not saved", second.Refusal?.Message);
        var decision = Assert.Single(await teams.DecisionsAsync());
        Assert.Equal(DecisionOutcome.Keep, decision.Outcome);
        var after = await teams.ItemAsync(teams.Alice, teams.User);
        Assert.Equal(DecisionOutcome.Keep, after.Outcome);
        Assert.Equal(item.Version + 1, after.Version);
        Assert.Single(await teams.AuditAsync("review.decided"));
    }

    [Fact]
    public async Task Decide_TwoTabsAtTheSameTime_ExactlyOneSavedAndOneDecisionStored()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Alice, teams.User);
        var tab1 = portal.GetRequiredService<DecideReviewItem>();
        var tab2 = portal.GetRequiredService<DecideReviewItem>();

        var results = await Task.WhenAll(
            tab1.HandleAsync(teams.A, TwoTeams.Command(item, DecisionOutcome.Keep), "tab-1"),
            tab2.HandleAsync(teams.A, TwoTeams.Command(item, DecisionOutcome.Revoke, "Revoking from the other tab."), "tab-2"));

        Assert.Single(results, r => r.Ok);
        Assert.Single(results, r => r.Refusal?.Kind == RefusalKind.Conflict);
        var decision = Assert.Single(await teams.DecisionsAsync());
        Assert.Equal(decision.Outcome, (await teams.ItemAsync(teams.Alice, teams.User)).Outcome);
    }

    [Fact]
    public async Task Decide_RevokeWithoutJustification_InvalidOnJustificationNothingStored()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Alice, teams.User);

        var result = await Handler.HandleAsync(teams.A, TwoTeams.Command(item, DecisionOutcome.Revoke), "test");

        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        Assert.Equal(["Justification"], result.Refusal!.FieldErrors!.Keys);
        Assert.Contains("at least 10 characters", result.Refusal.FieldErrors["Justification"]);
        await AssertNothingStoredAsync(teams, item);
    }

    [Fact]
    public async Task Decide_KeepAgainstRevokeRecommendationWithoutJustification_Invalid()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Aaron, teams.User);
        Assert.Equal(Recommendation.Revoke, item.Recommendation);

        var result = await Handler.HandleAsync(teams.A, TwoTeams.Command(item, DecisionOutcome.Keep), "test");

        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        Assert.Contains("keeping access the recommendation says to revoke", result.Refusal!.FieldErrors!["Justification"]);
        await AssertNothingStoredAsync(teams, item);
    }

    [Fact]
    public async Task Decide_KeepOnKeepRecommendationWithoutJustification_Saved()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Alice, teams.User);
        Assert.Equal(Recommendation.Keep, item.Recommendation);

        var result = await Handler.HandleAsync(teams.A, TwoTeams.Command(item, DecisionOutcome.Keep), "test");

        Assert.True(result.Ok, result.Refusal?.Message);
        var decision = Assert.Single(await teams.DecisionsAsync());
        Assert.Null(decision.Justification);
        Assert.Equal(teams.ManagerA.Id, decision.DecidedById);
    }

    [Fact]
    public async Task Decide_ReassignWithoutTarget_InvalidOnReassignToId()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Alice, teams.User);

        var result = await Handler.HandleAsync(teams.A, TwoTeams.Command(item, DecisionOutcome.Reassign, "Someone else knows this better."), "test");

        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        Assert.Equal("Choose who should review this item instead.", result.Refusal!.FieldErrors!["ReassignToId"]);
        Assert.Equal(teams.ManagerA.Id, (await teams.ItemAsync(teams.Alice, teams.User)).ReviewerId);
    }

    [Fact]
    public async Task Decide_ReduceWithoutLesserRole_InvalidNothingStored()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Alice, teams.Developer);

        var result = await Handler.HandleAsync(teams.A, TwoTeams.Command(item, DecisionOutcome.Reduce, "Developer is more than she needs."), "test");

        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        Assert.Contains("has no lesser role to reduce to", result.Refusal?.Message);
        await AssertNothingStoredAsync(teams, item);
    }

    [Fact]
    public async Task Decide_ReduceWithLesserRole_SavedWithTheLesserRoleRecorded()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Alice, teams.ProdAdmin);

        var result = await Handler.HandleAsync(teams.A, TwoTeams.Command(item, DecisionOutcome.Reduce, "Admin rights are not used."), "test");

        Assert.True(result.Ok, result.Refusal?.Message);
        Assert.Equal(teams.Developer.Id, (await teams.ItemAsync(teams.Alice, teams.ProdAdmin)).ReducedToEntitlementId);
    }

    [Fact]
    public async Task Decide_WithTheItemsEvidenceHash_DecisionRecordsThatHash()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Alice, teams.User);

        var result = await Handler.HandleAsync(teams.A, TwoTeams.Command(item, DecisionOutcome.Keep), "test");

        Assert.True(result.Ok, result.Refusal?.Message);
        Assert.Equal(ItemEvidence.Hash(item.EvidenceJson), item.EvidenceHash);
        Assert.Equal(item.EvidenceHash, Assert.Single(await teams.DecisionsAsync()).EvidenceHash);
    }

    [Fact]
    public async Task Decide_WithADifferentEvidenceHash_ConflictAndNothingStored()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Alice, teams.User);
        var stale = ItemEvidence.Hash(item.EvidenceJson + " ");

        var result = await Handler.HandleAsync(teams.A, TwoTeams.Command(item, DecisionOutcome.Keep) with { EvidenceHash = stale }, "test");

        Assert.Equal(RefusalKind.Conflict, result.Refusal?.Kind);
        Assert.Contains("evidence for this item changed", result.Refusal?.Message);
        await AssertNothingStoredAsync(teams, item);
    }

    [Fact]
    public async Task Decide_SeveralDecisions_OneReviewDecidedAuditEntryPerDecision()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var keep = await teams.ItemAsync(teams.Alice, teams.User);
        var revoke = await teams.ItemAsync(teams.Aaron, teams.User);

        var saved = new[]
        {
            await Handler.HandleAsync(teams.A, TwoTeams.Command(keep, DecisionOutcome.Keep), "audit-1"),
            await Handler.HandleAsync(teams.A, TwoTeams.Command(revoke, DecisionOutcome.Revoke, "Dormant for six weeks."), "audit-2"),
            await Handler.HandleAsync(teams.B, TwoTeams.Command(await teams.ItemAsync(teams.Bea, teams.User), DecisionOutcome.Keep), "audit-3"),
        };
        // The decision changes its mind: a second decision, a second entry.
        var changed = await Handler.HandleAsync(teams.A, TwoTeams.Command(await teams.ItemAsync(teams.Alice, teams.User), DecisionOutcome.Revoke,
            "On reflection she moved teams."), "audit-4");

        Assert.All(saved.Append(changed), r => Assert.True(r.Ok, r.Refusal?.Message));
        var decisions = await teams.DecisionsAsync();
        var audit = await teams.AuditAsync("review.decided");
        Assert.Equal(4, decisions.Count);
        Assert.Equal(decisions.Count, audit.Count);
        Assert.Equal(["audit-1", "audit-2", "audit-3", "audit-4"], audit.Select(a => a.CorrelationId));
        Assert.Equal(decisions.Select(d => d.ReviewItemId.ToString()), audit.Select(a => a.TargetId));
    }
}
