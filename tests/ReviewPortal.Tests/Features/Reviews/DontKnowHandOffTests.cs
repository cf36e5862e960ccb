using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Reviews;

/// <summary>
/// Issue #14 (5): "don't know" is not an answer. It needs a note, hands the item to the resource owner (else the fallback
/// reviewer, never the holder) as an undecided assignment, and at close the rule for silence applies to it.
/// </summary>
public class DontKnowHandOffTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private const string Note = "I don't manage prod: is this role still needed for the release work?";

    private Task<Result<int>> DontKnowAsync(TwoTeams teams, ReviewItem item, string? note) =>
        portal.GetRequiredService<DecideReviewItem>().HandleAsync(teams.A, TwoTeams.Command(item, DecisionOutcome.DontKnow, note), "dont-know");

    [Fact]
    public async Task DontKnow_WithoutNote_RefusedWithAFieldErrorOnTheJustification()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Alice, teams.Developer);

        var result = await DontKnowAsync(teams, item, "  ");

        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        Assert.Contains("don't know", result.Refusal!.FieldErrors![nameof(DecideReviewItem.Command.Justification)], StringComparison.Ordinal);
        var after = await teams.ItemAsync(item.Id);
        Assert.Equal((teams.ManagerA.Id, (DecisionOutcome?)null, item.Version), (after.ReviewerId, after.Outcome, after.Version));
        Assert.Empty(await teams.DecisionsAsync());
    }

    [Fact]
    public async Task DontKnow_WithNote_HandedToTheResourceOwnerUndecidedAndNotCountedAsDecided()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Alice, teams.Developer);

        var result = await DontKnowAsync(teams, item, Note);

        Assert.True(result.Ok, result.Refusal?.Message);
        var after = await teams.ItemAsync(item.Id);
        Assert.Equal(teams.Olga.Id, after.ReviewerId);
        Assert.Null(after.Outcome);
        Assert.Null(after.DecidedAt);
        Assert.Equal(Note, after.Justification);
        Assert.Equal(item.Version + 1, after.Version);
        var row = Assert.Single(await teams.DecisionsAsync());
        Assert.Equal((DecisionOutcome.DontKnow, teams.ManagerA.Id, Note), (row.Outcome, row.DecidedById, row.Justification));
        var audit = Assert.Single(await teams.AuditAsync("review.handed-off"));
        Assert.Contains("is this role still needed for the release work", audit.After, StringComparison.Ordinal);
        var dashboard = await portal.GetRequiredService<GetCampaignDashboard>().HandleAsync(teams.Admin, teams.CampaignId);
        Assert.True(dashboard.Ok, dashboard.Refusal?.Message);
        Assert.Equal(0, dashboard.Value.Decided);
        // The owner now has it to decide.
        var queue = await portal.GetRequiredService<ListMyReviewItems>()
            .HandleAsync(TestOrg.Viewer(teams.Olga), new ListMyReviewItems.Query { CampaignId = teams.CampaignId, Decided = false });
        Assert.True(queue.Ok, queue.Refusal?.Message);
        Assert.Contains(queue.Value.Rows, r => r.Id == item.Id);
    }

    [Fact]
    public async Task DontKnow_ResourceWithoutOwner_HandedToTheFallbackReviewer()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Alice, teams.User); // the organization has no owner

        var result = await DontKnowAsync(teams, item, Note);

        Assert.True(result.Ok, result.Refusal?.Message);
        Assert.Equal(teams.Org.Admin.Id, (await teams.ItemAsync(item.Id)).ReviewerId);
    }

    [Fact]
    public async Task DontKnow_HolderOwnsTheResource_NeverHandedToTheHolder()
    {
        var teams = await TwoTeams.LaunchAsync(portal);
        var item = await teams.ItemAsync(teams.Alice, teams.Developer);
        await using (var db = await portal.CreateDbContextAsync())
        {
            // Alice became the owner of prod on the Owners page after the launch.
            await db.Resources.Where(r => r.Id == teams.Developer.ResourceId).ExecuteUpdateAsync(s => s.SetProperty(r => r.OwnerId, teams.Alice.Id));
        }

        var result = await DontKnowAsync(teams, item, Note);

        Assert.True(result.Ok, result.Refusal?.Message);
        Assert.Equal(teams.Org.Admin.Id, (await teams.ItemAsync(item.Id)).ReviewerId);
    }

    [Fact]
    public async Task DontKnow_NobodyDecidesUntilClose_TheDefaultApplies()
    {
        var teams = await TwoTeams.LaunchAsync(portal, d => (d.UnreviewedOutcome, d.Roles) = (UnreviewedOutcome.Revoke, TwoTeams.UnprivilegedRoles));
        var item = await teams.ItemAsync(teams.Alice, teams.Developer);
        Assert.True((await DontKnowAsync(teams, item, Note)).Ok);

        var closed = await portal.GetRequiredService<CloseCampaign>().HandleAsync(teams.Admin, teams.CampaignId, "close");

        Assert.True(closed.Ok, closed.Refusal?.Message);
        var after = await teams.ItemAsync(item.Id);
        Assert.Equal(DecisionOutcome.Revoke, after.Outcome);
        await using var db = await portal.CreateDbContextAsync();
        Assert.True(await db.RemediationTasks.AnyAsync(t => t.ReviewItemId == item.Id));
    }
}
