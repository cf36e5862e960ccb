using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Reviews;

/// <summary>
/// "Keep until": a keep decision with an end date gives the grant that expiry at close, and the grant expiry then opens
/// the removal task once the date has passed (for a grant that never came from a request). Dates in the past or more
/// than a year ahead are refused on the field.
/// </summary>
public sealed class KeepUntilTests : IAsyncLifetime
{
    private readonly EmptyPortalAppFactory _portal = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private static readonly DateOnly Today = DateOnly.FromDateTime(TestOrg.Now.UtcDateTime);

    private Task<Result<int>> KeepAsync(TwoTeams teams, ReviewItem item, DateOnly? until, DecisionOutcome outcome = DecisionOutcome.Keep) =>
        _portal.GetRequiredService<DecideReviewItem>().HandleAsync(teams.A,
            TwoTeams.Command(item, outcome, "Needed for the migration, then gone.") with { KeepUntil = until }, "test-keep");

    private async Task<Grant> GrantAsync(long id)
    {
        await using var db = await _portal.CreateDbContextAsync();
        return await db.Grants.AsNoTracking().SingleAsync(g => g.Id == id);
    }

    [Fact]
    public async Task KeepWithEndDate_Close_GrantExpiresThen_ExpiryJobOpensTheRemovalTaskAfterTheDate()
    {
        var teams = await TwoTeams.LaunchAsync(_portal);
        var item = await teams.ItemAsync(teams.Alice, teams.Developer);
        var other = await teams.ItemAsync(teams.Bea, teams.Developer);
        var until = Today.AddDays(30);
        var kept = await KeepAsync(teams, item, until);
        Assert.True(kept.Ok, kept.Refusal?.Message);
        var expiresAt = new DateTimeOffset(until.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        Assert.Equal(expiresAt, (await teams.ItemAsync(item.Id)).KeepUntil);

        var closed = await _portal.GetRequiredService<CloseCampaign>().HandleAsync(teams.Admin, teams.CampaignId, "test-close");

        Assert.True(closed.Ok, closed.Refusal?.Message);
        Assert.Equal(expiresAt, (await GrantAsync(item.GrantId)).ExpiresAt);
        Assert.Null((await GrantAsync(other.GrantId)).ExpiresAt);
        var entry = Assert.Single(await teams.AuditAsync(KeepUntil.AuditAction));
        Assert.Equal(item.GrantId.ToString(), entry.TargetId);

        var expiry = _portal.GetRequiredService<ExpireGrantsJob>();
        _portal.Time.Advance(TimeSpan.FromDays(29));
        await expiry.RunAsync();
        await using (var db = await _portal.CreateDbContextAsync())
        {
            Assert.False(await db.RemediationTasks.AnyAsync(t => t.GrantId == item.GrantId));
        }
        _portal.Time.Advance(TimeSpan.FromHours(12) + TimeSpan.FromMinutes(1));
        await expiry.RunAsync();
        await using (var db = await _portal.CreateDbContextAsync())
        {
            var task = await db.RemediationTasks.AsNoTracking().SingleAsync(t => t.GrantId == item.GrantId);
            Assert.Null(task.ReviewItemId);
            Assert.True(await db.GrantEvents.AnyAsync(e => e.GrantId == item.GrantId && e.Kind == "expired"));
        }
    }

    [Fact]
    public async Task KeepWithEndDate_ThenChangedToKeepWithout_CloseLeavesTheGrantOpenEnded()
    {
        var teams = await TwoTeams.LaunchAsync(_portal);
        var item = await teams.ItemAsync(teams.Alice, teams.Developer);
        Assert.True((await KeepAsync(teams, item, Today.AddDays(30))).Ok);
        var kept = await teams.ItemAsync(item.Id);

        Assert.True((await KeepAsync(teams, kept, null)).Ok);
        Assert.True((await _portal.GetRequiredService<CloseCampaign>().HandleAsync(teams.Admin, teams.CampaignId, "test-close")).Ok);

        Assert.Null((await teams.ItemAsync(item.Id)).KeepUntil);
        Assert.Null((await GrantAsync(item.GrantId)).ExpiresAt);
        Assert.Empty(await teams.AuditAsync(KeepUntil.AuditAction));
    }

    public static TheoryData<string, int, DecisionOutcome, string> Refused => new()
    {
        { "today", 0, DecisionOutcome.Keep, "The end date must be in the future." },
        { "past", -3, DecisionOutcome.Keep, "The end date must be in the future." },
        { "over a year", DecideReviewItem.Validator.MaxKeepUntilDays + 1, DecisionOutcome.Keep, "Keep access at most a year ahead; the next review can extend it." },
        { "not a keep", 30, DecisionOutcome.Revoke, "Only a keep decision can carry an end date." },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task KeepUntil_OutOfRangeOrNotAKeep_RefusedOnTheFieldAndNothingSaved(string name, int days, DecisionOutcome outcome, string message)
    {
        var teams = await TwoTeams.LaunchAsync(_portal);
        var item = await teams.ItemAsync(teams.Alice, teams.Developer);

        var result = await KeepAsync(teams, item, Today.AddDays(days), outcome);

        Assert.True(result.Refusal?.Kind == RefusalKind.Invalid, name);
        Assert.Equal(message, result.Refusal!.FieldErrors![nameof(DecideReviewItem.Command.KeepUntil)]);
        var after = await teams.ItemAsync(item.Id);
        Assert.Null(after.Outcome);
        Assert.Null(after.KeepUntil);
    }

    [Fact]
    public async Task KeepUntil_ExactlyAYearAhead_Accepted()
    {
        var teams = await TwoTeams.LaunchAsync(_portal);
        var item = await teams.ItemAsync(teams.Alice, teams.Developer);

        var result = await KeepAsync(teams, item, Today.AddDays(DecideReviewItem.Validator.MaxKeepUntilDays));

        Assert.True(result.Ok, result.Refusal?.Message);
    }
}
