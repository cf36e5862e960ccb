using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Reviews;

namespace ReviewPortal.Tests.Features.Lifecycle;

/// <summary>
/// The hourly lifecycle job: off by default; departed owners' NHIs go to the next employed manager; dormant keys are
/// proposed for deactivation at exactly the configured threshold; re-runs open nothing twice; every item is audited.
/// Each test has its own empty portal because the job scans the whole database.
/// </summary>
public sealed class ApplyLifecycleRulesJobTests
{
    [Fact]
    public async Task Run_RulesNeverSaved_OpensNothing()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = new LifecycleOrg(portal);
        org.Key("danas-key", org.Dana, idleDays: 200);
        org.Key("mayas-key", org.Maya, idleDays: 200);
        await org.SaveAsync();

        Assert.Equal(0, await org.RunAsync());

        await using var db = await portal.CreateDbContextAsync();
        Assert.Empty(await db.Campaigns.ToListAsync());
        Assert.Empty(await db.LifecycleRules.ToListAsync());
        Assert.Empty(await org.AuditAsync("lifecycle.micro-review-opened"));
    }

    [Fact]
    public async Task DepartedOwner_On_OneItemPerOpenGrantForTheOwnersManager_Audited()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = new LifecycleOrg(portal);
        var (key, grant) = org.Key("danas-key", org.Dana);
        var (account, _) = org.Key("danas-pipeline", org.Dana, kind: IdentityKind.ServiceAccount);
        org.Key("mayas-key", org.Maya);
        await org.SaveAsync();
        Assert.True((await org.EnableAsync(departedOwner: true)).Ok);

        Assert.Equal(2, await org.RunAsync());

        var items = await org.ItemsAsync();
        Assert.Equal(new[] { key.Id, account.Id }, items.Select(i => i.IdentityId));
        Assert.All(items, i => Assert.Equal(org.Maya.Id, i.ReviewerId));
        var item = items[0];
        Assert.Equal(Recommendation.LookCloser, item.Recommendation);
        Assert.Equal($"Owner {org.Dana.DisplayName} left on 3 Oct 2026: keep it (you become its owner) or revoke it", item.RecommendationReason);
        Assert.Equal(item.RecommendationReason, ItemEvidence.FromJson(item.EvidenceJson)!.Recommendation.Reason);
        Assert.Equal(ItemEvidence.Hash(item.EvidenceJson), item.EvidenceHash);
        var campaign = item.Campaign;
        Assert.Equal(LifecycleRule.DepartedOwner, campaign.LifecycleRule);
        Assert.Equal(LifecycleRule.DepartedOwner, campaign.Definition.LifecycleRule);
        Assert.Equal("Lifecycle · keys of departed people · 26 Nov 2026", campaign.Name);
        Assert.Equal((CampaignStatus.Active, org.Org.Admin.Id, PortalAppFactory.Now.AddDays(14), UnreviewedOutcome.NoChange),
            (campaign.Status, campaign.CreatedById, campaign.DueAt, campaign.UnreviewedOutcome));

        var opened = await org.AuditAsync("lifecycle.micro-review-opened");
        Assert.Equal(2, opened.Count);
        var entry = opened.Single(e => e.TargetId == grant.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((nameof(Grant), key.Id, campaign.Id, "job:apply-lifecycle-rules"), (entry.TargetType, entry.IdentityId, entry.CampaignId, entry.Actor));
        using var after = JsonDocument.Parse(entry.After!);
        Assert.Equal(LifecycleRule.DepartedOwner, after.RootElement.GetProperty("rule").GetString());
        Assert.Equal(org.Maya.Id, after.RootElement.GetProperty("reviewerId").GetInt32());
        Assert.Equal(item.RecommendationReason, after.RootElement.GetProperty("reason").GetString());
        Assert.Single(await org.AuditAsync("campaign.launched"), e => e.CampaignId == campaign.Id);
    }

    [Fact]
    public async Task DepartedOwner_ManagerAlsoDeparted_NextEmployedManagerUp()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = new LifecycleOrg(portal, mayaDeparted: true);
        org.Key("danas-key", org.Dana);
        await org.SaveAsync();
        await org.EnableAsync(departedOwner: true);

        await org.RunAsync();

        Assert.Equal(org.Boss.Id, Assert.Single(await org.ItemsAsync()).ReviewerId);
    }

    [Fact]
    public async Task DepartedOwner_KeyAlsoDormant_RecommendsRevokeAndSaysWhy()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = new LifecycleOrg(portal);
        org.Key("danas-key", org.Dana, idleDays: 60);
        await org.SaveAsync();
        await org.EnableAsync(departedOwner: true);

        await org.RunAsync();

        var item = Assert.Single(await org.ItemsAsync());
        Assert.Equal(Recommendation.Revoke, item.Recommendation);
        Assert.EndsWith("; no activity for 60 days (last active 27 Sep 2026)", item.RecommendationReason);
        // "Show live values" keeps the rule's recommendation beside today's figures.
        var view = (await portal.GetRequiredService<GetReviewItem>().HandleAsync(TestOrg.Viewer(org.Maya), item.Id, withLiveEvidence: true)).Value;
        Assert.Equal((Recommendation.Revoke, item.RecommendationReason), (view!.LiveEvidence!.Recommendation.Recommendation, view.LiveEvidence.Recommendation.Reason));
    }

    [Fact]
    public async Task DormantKeys_DefaultThreshold_45DaysIdleIsDormant44IsNot()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = new LifecycleOrg(portal);
        org.Key("fresh", org.Maya, idleDays: 44);
        var (exactly, _) = org.Key("exactly", org.Maya, idleDays: 45);
        var (stale, _) = org.Key("stale", org.Maya, idleDays: 46);
        var (orphan, _) = org.Key("danas-stale", org.Dana, idleDays: 46);
        org.Key("stale-service-account", org.Maya, idleDays: 200, kind: IdentityKind.ServiceAccount);
        await org.SaveAsync();
        await org.EnableAsync(dormantKeys: true);

        Assert.Equal(3, await org.RunAsync());

        var items = await org.ItemsAsync();
        Assert.Equal(new[] { exactly.Id, stale.Id, orphan.Id }, items.Select(i => i.IdentityId));
        Assert.All(items, i => Assert.Equal(Recommendation.Revoke, i.Recommendation));
        Assert.Equal("No activity for 46 days (last active 11 Oct 2026): deactivate it, or keep it if it is still needed", items[1].RecommendationReason);
        // The owner attests their own key; a departed owner's key goes to their manager.
        Assert.Equal(new[] { org.Maya.Id, org.Maya.Id, org.Maya.Id }, items.Select(i => i.ReviewerId));
        Assert.Equal("Lifecycle · dormant keys · 26 Nov 2026", items[0].Campaign.Name);
    }

    [Fact]
    public async Task DormantKeys_IdleInTheFeedButServingMessages_NotProposed()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = new LifecycleOrg(portal);
        var (serving, _) = org.Key("serving", org.Maya, idleDays: 100);
        org.Org.Usage(serving, UsageSubject.ApiKey, [2], tokensPerDay: 80_000);
        var (stale, _) = org.Key("stale", org.Maya, idleDays: 100);
        org.Org.Usage(stale, UsageSubject.ApiKey, [60], tokensPerDay: 80_000);
        await org.SaveAsync();
        await org.EnableAsync(dormantKeys: true);

        Assert.Equal(1, await org.RunAsync());

        var item = Assert.Single(await org.ItemsAsync());
        Assert.Equal(stale.Id, item.IdentityId);
        // Its last use is the usage day, 60 days ago, not the feed's 100.
        Assert.StartsWith("No activity for 60 days (last active ", item.RecommendationReason);
    }

    [Fact]
    public async Task DormantKeys_CustomThreshold30_31DaysIdleProposed29Not()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = new LifecycleOrg(portal);
        org.Key("recent", org.Maya, idleDays: 29);
        var (stale, _) = org.Key("stale", org.Maya, idleDays: 31);
        await org.SaveAsync();
        await org.EnableAsync(dormantKeys: true, dormantDays: 30);

        await org.RunAsync();

        Assert.Equal(stale.Id, Assert.Single(await org.ItemsAsync()).IdentityId);
    }

    [Fact]
    public async Task Run_Twice_OpensNothingTheSecondTimeAndNoGrantTwice()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = new LifecycleOrg(portal);
        org.Key("danas-dormant-key", org.Dana, idleDays: 100); // matches both rules
        org.Key("mayas-dormant-key", org.Maya, idleDays: 100);
        await org.SaveAsync();
        await org.EnableAsync(departedOwner: true, dormantKeys: true);

        var first = await org.RunAsync();
        portal.Time.Advance(TimeSpan.FromHours(1));
        var second = await org.RunAsync();

        Assert.Equal((2, 0), (first, second));
        var items = await org.ItemsAsync();
        Assert.Equal(2, items.Select(i => i.GrantId).Distinct().Count());
        Assert.Equal(2, items.Select(i => i.CampaignId).Distinct().Count());
        Assert.Equal(2, (await org.AuditAsync("lifecycle.micro-review-opened")).Count);
    }

    [Fact]
    public async Task DepartedOwner_ManagerKeeps_BecomesOwnerAuditedAndNotProposedAgain()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = new LifecycleOrg(portal);
        var (key, _) = org.Key("danas-key", org.Dana);
        await org.SaveAsync();
        await org.EnableAsync(departedOwner: true);
        await org.RunAsync();
        var item = Assert.Single(await org.ItemsAsync());

        var result = await org.DecideAsync(item, org.Maya, DecisionOutcome.Keep);

        Assert.True(result.Ok, result.Refusal?.Message);
        await using (var db = await portal.CreateDbContextAsync())
        {
            var owned = await db.Identities.SingleAsync(i => i.Id == key.Id);
            // Chosen by a person: the directory sync keeps it rather than putting the departed creator back.
            Assert.Equal((org.Maya.Id, org.Maya.Id, (DateTimeOffset?)portal.Time.GetUtcNow()), (owned.OwnerId, owned.OwnerAssignedById, owned.OwnerAssignedAt));
        }
        var changed = Assert.Single(await org.AuditAsync("identity.owner-changed"));
        Assert.Equal((key.Id, item.CampaignId, "Identity"), (changed.IdentityId, changed.CampaignId, changed.TargetType));
        Assert.Contains($"\"ownerId\":{org.Dana.Id}", changed.Before);
        Assert.Contains($"\"ownerId\":{org.Maya.Id}", changed.After);

        // The new owner may still change their decision (the owner-attestation rule), and a later run closes the
        // finished micro-review without proposing the key again.
        portal.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await org.RunAsync());
        Assert.Equal(CampaignStatus.Closed, Assert.Single(await org.ItemsAsync()).Campaign.Status);
    }

    [Fact]
    public async Task DepartedOwner_BulkKeep_TransfersOwnershipToo_AndTheNewOwnerMayStillChangeTheirMind()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = new LifecycleOrg(portal);
        var (key, _) = org.Key("danas-key", org.Dana);
        await org.SaveAsync();
        await org.EnableAsync(departedOwner: true);
        await org.RunAsync();
        var item = Assert.Single(await org.ItemsAsync());

        var bulk = await portal.GetRequiredService<BulkDecide>().HandleAsync(Campaigns.TestOrg.Viewer(org.Maya),
            new BulkDecide.Command([new SeenItem(item.Id, item.Version)], DecisionOutcome.Keep, null), "test-bulk");

        Assert.Equal(1, bulk.Value!.Saved);
        Assert.Single(await org.AuditAsync("identity.owner-changed"));
        await using (var db = await portal.CreateDbContextAsync())
        {
            Assert.Equal(org.Maya.Id, (await db.Identities.SingleAsync(i => i.Id == key.Id)).OwnerId);
        }
        var kept = Assert.Single(await org.ItemsAsync());
        Assert.True((await org.DecideAsync(kept, org.Maya, DecisionOutcome.Revoke)).Ok);
    }

    [Fact]
    public async Task DepartedOwner_ManagerRevokes_NextRunClosesAndDeactivationTaskIsCreated()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = new LifecycleOrg(portal);
        var (key, grant) = org.Key("danas-key", org.Dana);
        await org.SaveAsync();
        await org.EnableAsync(departedOwner: true);
        await org.RunAsync();
        var item = Assert.Single(await org.ItemsAsync());
        Assert.True((await org.DecideAsync(item, org.Maya, DecisionOutcome.Revoke)).Ok);

        portal.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await org.RunAsync());

        await using var db = await portal.CreateDbContextAsync();
        var task = await db.RemediationTasks.SingleAsync(t => t.GrantId == grant.Id);
        Assert.Equal((RemediationAction.DeactivateApiKey, item.Id), (task.Action, task.ReviewItemId));
        Assert.Equal(CampaignStatus.Closed, (await db.Campaigns.SingleAsync(c => c.Id == item.CampaignId)).Status);
        Assert.Equal(org.Dana.Id, (await db.Identities.SingleAsync(i => i.Id == key.Id)).OwnerId);
    }

    [Fact]
    public async Task DormantKeys_OwnerKeeps_NotProposedAgainUntilTheDormancyPeriodHasPassed()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = new LifecycleOrg(portal);
        org.Key("mayas-key", org.Maya, idleDays: 50);
        await org.SaveAsync();
        await org.EnableAsync(dormantKeys: true);
        await org.RunAsync();
        var item = Assert.Single(await org.ItemsAsync());
        Assert.True((await org.DecideAsync(item, org.Maya, DecisionOutcome.Keep, "Quarterly batch job, runs in January.")).Ok);

        portal.Time.Advance(TimeSpan.FromDays(44));
        Assert.Equal(0, await org.RunAsync());
        portal.Time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(1, await org.RunAsync());
    }
}
