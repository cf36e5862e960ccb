using ReviewPortal.Tests.Features.Reviews;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Reviews;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>
/// Issue #14 (8): the close applies the rule for silence through the review item's own state change, so a defaulted item
/// has a decision row like any decided one, naming who answers for it (the closing admin) and saying it was the default.
/// </summary>
public class CloseDecisionsTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    [Fact]
    public async Task Close_RevokeByDefault_OneDecisionPerDefaultedItemByTheClosingAdmin()
    {
        // Without Alice's prod admin role: revoking it by default would leave prod without an admin, which the launch refuses.
        var teams = await TwoTeams.LaunchAsync(portal, d => (d.UnreviewedOutcome, d.Roles) = (UnreviewedOutcome.Revoke, TwoTeams.UnprivilegedRoles));
        var aaron = await teams.ItemAsync(teams.Aaron, teams.User);
        var decided = await portal.GetRequiredService<DecideReviewItem>()
            .HandleAsync(teams.A, TwoTeams.Command(aaron, DecisionOutcome.Keep, "Still on the team, uses it weekly."), "keep");
        Assert.True(decided.Ok, decided.Refusal?.Message);

        var closed = await portal.GetRequiredService<CloseCampaign>().HandleAsync(teams.Admin, teams.CampaignId, "close");

        Assert.True(closed.Ok, closed.Refusal?.Message);
        var items = await teams.ItemsAsync();
        var defaulted = items.Where(i => i.Id != aaron.Id).ToList();
        Assert.Equal(defaulted.Count, closed.Value.Defaulted);
        var decisions = await teams.DecisionsAsync();
        Assert.Equal(items.Count, decisions.Count);
        foreach (var item in defaulted)
        {
            var row = Assert.Single(decisions, d => d.ReviewItemId == item.Id);
            Assert.Equal(DecisionOutcome.Revoke, row.Outcome);
            Assert.Equal(teams.Admin.IdentityId, row.DecidedById);
            Assert.Equal(portal.Time.GetUtcNow(), row.DecidedAt);
            Assert.Contains("campaign default", row.Justification, StringComparison.Ordinal);
            Assert.Equal(item.EvidenceHash, row.EvidenceHash);
            Assert.Equal(DecisionOutcome.Revoke, item.Outcome);
        }
        Assert.Equal(DecisionOutcome.Keep, Assert.Single(decisions, d => d.ReviewItemId == aaron.Id).Outcome);
    }

    [Fact]
    public async Task Close_NoChangeByDefault_NoDecisionRowsForSilence()
    {
        var teams = await TwoTeams.LaunchAsync(portal);

        var closed = await portal.GetRequiredService<CloseCampaign>().HandleAsync(teams.Admin, teams.CampaignId, "close");

        Assert.True(closed.Ok, closed.Refusal?.Message);
        Assert.Equal(0, closed.Value.Defaulted);
        Assert.Empty(await teams.DecisionsAsync());
        Assert.All(await teams.ItemsAsync(), i => Assert.Null(i.Outcome));
    }
}
