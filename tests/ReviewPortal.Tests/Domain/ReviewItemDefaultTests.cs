using ReviewPortal.Web.Domain;

namespace ReviewPortal.Tests.Domain;

/// <summary>Issue #14 (8): what the rule for silence makes of an undecided item, in one place on the item.</summary>
public class ReviewItemDefaultTests
{
    private static ReviewItem Item(Recommendation recommendation) => new()
    {
        Id = 7, Recommendation = recommendation, RecommendationReason = "test", EvidenceHash = "hash", Version = 3,
    };

    [Theory]
    [InlineData(UnreviewedOutcome.NoChange, Recommendation.Revoke, null)]
    [InlineData(UnreviewedOutcome.Revoke, Recommendation.Keep, DecisionOutcome.Revoke)]
    [InlineData(UnreviewedOutcome.TakeRecommendation, Recommendation.Revoke, DecisionOutcome.Revoke)]
    [InlineData(UnreviewedOutcome.TakeRecommendation, Recommendation.Reduce, DecisionOutcome.Reduce)]
    [InlineData(UnreviewedOutcome.TakeRecommendation, Recommendation.Keep, null)]
    [InlineData(UnreviewedOutcome.TakeRecommendation, Recommendation.LookCloser, null)]
    public void Default_Rule_GivesTheOutcomeWithADecisionRow(UnreviewedOutcome rule, Recommendation recommendation, DecisionOutcome? expected)
    {
        var item = Item(recommendation);
        var at = new DateTimeOffset(2026, 12, 10, 17, 0, 0, TimeSpan.Zero);

        var row = item.Default(rule, reducesTo: 42, deciderId: 5, at);

        Assert.Equal(expected, item.Outcome);
        Assert.Equal(expected, row?.Outcome);
        if (row is not null)
        {
            Assert.Equal((7L, 5, at, "hash"), (row.ReviewItemId, row.DecidedById, row.DecidedAt, row.EvidenceHash));
            Assert.Contains("campaign default", row.Justification, StringComparison.Ordinal);
            Assert.Equal(4, item.Version);
            Assert.Null(item.DecidedById);
            Assert.Equal(expected == DecisionOutcome.Reduce ? 42 : null, item.ReducedToEntitlementId);
        }
        else
        {
            Assert.Equal(3, item.Version);
        }
    }

    [Fact]
    public void Default_ReduceRecommendedWithoutALesserRole_LeftAsItIs()
    {
        var item = Item(Recommendation.Reduce);

        Assert.Null(item.Default(UnreviewedOutcome.TakeRecommendation, reducesTo: null, deciderId: 5, DateTimeOffset.UnixEpoch));
        Assert.Null(item.Outcome);
    }

    [Fact]
    public void Default_ItemAlreadyDecided_Untouched()
    {
        var item = Item(Recommendation.Revoke);
        item.Decide(DecisionOutcome.Keep, null, "needed", 9, DateTimeOffset.UnixEpoch);

        Assert.Null(item.Default(UnreviewedOutcome.Revoke, null, 5, DateTimeOffset.UnixEpoch));
        Assert.Equal((DecisionOutcome.Keep, 9), (item.Outcome, item.DecidedById));
    }

    [Fact]
    public void HandOff_DecidedItem_UndecidedWithTheNoteForTheNextReviewer()
    {
        var item = Item(Recommendation.Revoke);
        item.Decide(DecisionOutcome.Revoke, null, "first thought", 9, DateTimeOffset.UnixEpoch);

        var row = item.HandOff(reviewerId: 11, note: "not sure after all", fromId: 9, DateTimeOffset.UnixEpoch);

        Assert.Equal((11, (DecisionOutcome?)null, (int?)null, "not sure after all"), (item.ReviewerId, item.Outcome, item.DecidedById, item.Justification));
        Assert.Equal((DecisionOutcome.DontKnow, 9), (row.Outcome, row.DecidedById));
    }
}
