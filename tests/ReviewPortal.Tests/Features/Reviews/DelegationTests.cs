using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Features.Email;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Reviews;

/// <summary>
/// Out-of-office delegation: an away reviewer's new items go to the delegate at launch, their undecided items move to the
/// delegate when the delegation takes effect (so the delegate decides them and is reminded), and the delegate never gets
/// an item about themselves or a key they own.
/// </summary>
public class DelegationTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(TestOrg.Now.UtcDateTime);

    /// <summary>Manager M reviews Alice and Dee (the delegate, M's report too) and Dee's key; the org's admin is the fallback.</summary>
    private sealed record Team(TestOrg Org, Identity Manager, Identity Delegate, Identity Alice, Identity Bob, Identity DeesKey, Entitlement User);

    private async Task<Team> TeamAsync(string name)
    {
        var org = new TestOrg(name);
        var user = org.Role(org.Organization, "user");
        var keyRole = org.Role(org.Organization, "active", kind: EntitlementKind.ApiKey);
        var manager = org.Person("Manager");
        var dee = org.Person("Dee", manager);
        var alice = org.Person("Alice", manager);
        var bob = org.Person("Bob", manager);
        var key = org.Key("Dee's key", dee);
        org.Grant(alice, user);
        org.Grant(bob, user);
        org.Grant(dee, user);
        org.Grant(key, keyRole);
        await org.SaveAsync(portal);
        return new Team(org, manager, dee, alice, bob, key, user);
    }

    private async Task<int> LaunchAsync(TestOrg org)
    {
        var launched = await portal.LaunchCampaignAsync(org.Definition(), org.AdminViewer);
        Assert.True(launched.Ok, launched.Refusal?.Message);
        return launched.Value.CampaignId;
    }

    private async Task<Dictionary<int, ReviewItem>> ItemsByHolderAsync(int campaignId)
    {
        await using var db = await portal.CreateDbContextAsync();
        return await db.ReviewItems.AsNoTracking().Where(i => i.CampaignId == campaignId).ToDictionaryAsync(i => i.IdentityId);
    }

    private async Task<int> DelegateOkAsync(Identity reviewer, Identity to, DateOnly from, DateOnly until)
    {
        var result = await DelegateAsync(reviewer, to, from, until);
        Assert.True(result.Ok, result.Refusal?.Message);
        return result.Value;
    }

    private Task<Result<int>> DelegateAsync(Identity reviewer, Identity? to, DateOnly from, DateOnly until) =>
        portal.GetRequiredService<SetDelegation>().HandleAsync(TestOrg.Viewer(reviewer),
            new SetDelegation.Command { DelegateId = to?.Id, From = from, Until = until }, "test-delegation");

    [Fact]
    public async Task Launch_ReviewerAway_NewItemGoesToTheDelegate()
    {
        var team = await TeamAsync("away");
        Assert.Equal(0, await DelegateOkAsync(team.Manager, team.Delegate, Today, Today.AddDays(7)));

        var items = await ItemsByHolderAsync(await LaunchAsync(team.Org));

        Assert.Equal(team.Delegate.Id, items[team.Alice.Id].ReviewerId);
    }

    [Fact]
    public async Task Launch_DelegateIsTheHolderOrOwnsTheKey_ItemFallsToTheFallbackNotTheDelegate()
    {
        var team = await TeamAsync("selfdelegate");
        await DelegateOkAsync(team.Manager, team.Delegate, Today, Today.AddDays(7));

        var items = await ItemsByHolderAsync(await LaunchAsync(team.Org));

        // Dee's own access and Dee's key would be the manager's: with the manager away they fall to the fallback reviewer.
        Assert.Equal(team.Org.Admin.Id, items[team.Delegate.Id].ReviewerId);
        Assert.Equal(team.Org.Admin.Id, items[team.DeesKey.Id].ReviewerId);
        Assert.Equal(team.Delegate.Id, items[team.Alice.Id].ReviewerId);
    }

    [Fact]
    public async Task Launch_DelegationNotYetInForce_ItemStaysWithTheReviewer()
    {
        var team = await TeamAsync("later");
        await DelegateOkAsync(team.Manager, team.Delegate, Today.AddDays(3), Today.AddDays(7));

        var items = await ItemsByHolderAsync(await LaunchAsync(team.Org));

        Assert.Equal(team.Manager.Id, items[team.Alice.Id].ReviewerId);
    }

    [Fact]
    public async Task SetDelegation_InForce_UndecidedItemsMoveToTheDelegateWhoCanDecideThem_DecidedAndSelfItemsStay()
    {
        var team = await TeamAsync("handover");
        var bob = team.Bob;
        var campaign = await LaunchAsync(team.Org);
        var before = await ItemsByHolderAsync(campaign);
        Assert.All(before.Values, i => Assert.Equal(team.Manager.Id, i.ReviewerId));
        var decided = await portal.GetRequiredService<DecideReviewItem>().HandleAsync(TestOrg.Viewer(team.Manager),
            TwoTeams.Command(before[bob.Id], DecisionOutcome.Keep, "Still on the platform team."), "test");
        Assert.True(decided.Ok, decided.Refusal?.Message);

        var moved = await DelegateOkAsync(team.Manager, team.Delegate, Today, Today.AddDays(14));

        Assert.Equal(1, moved);
        var after = await ItemsByHolderAsync(campaign);
        Assert.Equal(team.Delegate.Id, after[team.Alice.Id].ReviewerId);
        Assert.Equal(team.Manager.Id, after[bob.Id].ReviewerId);
        Assert.Equal(DecisionOutcome.Keep, after[bob.Id].Outcome);
        Assert.Equal(team.Manager.Id, after[team.Delegate.Id].ReviewerId);
        Assert.Equal(team.Manager.Id, after[team.DeesKey.Id].ReviewerId);
        var decidedByDelegate = await portal.GetRequiredService<DecideReviewItem>().HandleAsync(TestOrg.Viewer(team.Delegate),
            TwoTeams.Command(after[team.Alice.Id], DecisionOutcome.Revoke, "Left the project in October."), "test");
        Assert.True(decidedByDelegate.Ok, decidedByDelegate.Refusal?.Message);
        await using var db = await portal.CreateDbContextAsync();
        var entries = await db.AuditEntries.AsNoTracking().Where(e => e.CampaignId == campaign && e.Action == ReviewerDelegations.HandOverAction).ToListAsync();
        Assert.Equal(after[team.Alice.Id].Id.ToString(), Assert.Single(entries).TargetId);
        Assert.Single(await db.AuditEntries.AsNoTracking()
            .Where(e => e.Action == SetDelegation.AuditAction && e.IdentityId == team.Manager.Id).ToListAsync());
    }

    [Fact]
    public async Task ClearDelegation_ThenLaunch_ItemsGoToTheReviewerAgain_Audited()
    {
        var team = await TeamAsync("cleared");
        await DelegateOkAsync(team.Manager, team.Delegate, Today, Today.AddDays(7));

        var cleared = await portal.GetRequiredService<ClearDelegation>().HandleAsync(TestOrg.Viewer(team.Manager), "test");

        Assert.True(cleared.Ok, cleared.Refusal?.Message);
        var items = await ItemsByHolderAsync(await LaunchAsync(team.Org));
        Assert.Equal(team.Manager.Id, items[team.Alice.Id].ReviewerId);
        await using var db = await portal.CreateDbContextAsync();
        Assert.Single(await db.AuditEntries.AsNoTracking()
            .Where(e => e.Action == ClearDelegation.AuditAction && e.IdentityId == team.Manager.Id).ToListAsync());
    }

    public static TheoryData<string, int, int, bool, string> Refused => new()
    {
        // (case, from offset, until offset, delegate to self, expected field and message)
        { "self", 0, 3, true, "DelegateId: Choose someone other than yourself." },
        { "past", -1, 3, false, "From: The first day away cannot be in the past." },
        { "backwards", 5, 2, false, "Until: The last day away cannot be before the first." },
        { "too long", 0, ReviewerDelegation.MaxDays, false, $"Until: A delegation covers at most {ReviewerDelegation.MaxDays} days; set a new one when it ends." },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task SetDelegation_InvalidPeriodOrDelegate_RefusedWithAFieldMessageAndNothingSaved(string name, int from, int until, bool self, string expected)
    {
        var team = await TeamAsync($"invalid-{name.Replace(' ', '-')}");

        var result = await DelegateAsync(team.Manager, self ? team.Manager : team.Delegate, Today.AddDays(from), Today.AddDays(until));

        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        var (field, message) = (expected.Split(": ", 2)[0], expected.Split(": ", 2)[1]);
        Assert.Equal(message, result.Refusal!.FieldErrors![field]);
        await using var db = await portal.CreateDbContextAsync();
        Assert.False(await db.ReviewerDelegations.AnyAsync(d => d.ReviewerId == team.Manager.Id));
    }
}

/// <summary>A delegation that starts after launch takes effect with that day's reminder run: the reminder goes to the delegate.</summary>
public sealed class DelegationReminderTests : IAsyncLifetime
{
    private readonly EmailPortalFactory _portal = new(useSmtp: false);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task Reminders_DelegationStartsOnAWeeklyReminderDay_ItemsHandedOverAndTheReminderGoesToTheDelegate()
    {
        var org = new TestOrg("remind");
        var user = org.Role(org.Organization, "user");
        var manager = org.Person("Manager");
        var stand = org.Person("Stand-in");
        var alice = org.Person("Alice", manager);
        org.Grant(alice, user);
        await org.SaveAsync(_portal);
        var launched = await _portal.LaunchCampaignAsync(org.Definition(), org.AdminViewer);
        Assert.True(launched.Ok, launched.Refusal?.Message);
        var campaign = launched.Value.CampaignId;
        var launchDay = DateOnly.FromDateTime(TestOrg.Now.UtcDateTime);
        var set = await _portal.GetRequiredService<SetDelegation>().HandleAsync(TestOrg.Viewer(manager),
            new SetDelegation.Command { DelegateId = stand.Id, From = launchDay.AddDays(7), Until = launchDay.AddDays(10) }, "test");
        Assert.True(set.Ok, set.Refusal?.Message);
        Assert.Equal(0, set.Value);
        await _portal.RunRemindersAsync();
        Assert.Equal(manager.Email, (await _portal.MailAsync(OutboxKeys.ForReminder(campaign, manager.Id, "launch", launchDay))).To);

        _portal.Time.Advance(TimeSpan.FromDays(7));
        await _portal.RunRemindersAsync();

        var weekly = launchDay.AddDays(7);
        Assert.Equal(stand.Email, (await _portal.MailAsync(OutboxKeys.ForReminder(campaign, stand.Id, "weekly", weekly))).To);
        await using var db = await _portal.CreateDbContextAsync();
        Assert.False(await db.OutboxEmails.AnyAsync(m => m.DeduplicationKey == OutboxKeys.ForReminder(campaign, manager.Id, "weekly", weekly)));
        Assert.Equal(stand.Id, (await db.ReviewItems.AsNoTracking().SingleAsync(i => i.CampaignId == campaign)).ReviewerId);
    }
}
