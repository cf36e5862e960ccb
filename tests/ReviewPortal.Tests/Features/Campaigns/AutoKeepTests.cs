using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>
/// Exception review (issue #16, 4): the campaign's auto-keep policy decides, as the system, the items whose launch evidence
/// meets it; the preview counts exactly those; reviewers see the exceptions by default and can override an auto-keep (audited
/// as such); the dashboard counts the auto-kept apart. Runs on SQLite and, compiled again, on PostgreSQL (the COPY path).
/// </summary>
public class AutoKeepTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private sealed record Org(TestOrg Test, Identity Manager, Identity Steady, Identity SteadyAdmin, Identity Rare, Identity Busy, CampaignDefinition Definition);

    /// <summary>
    /// Four reports of one manager: Steady (used 20 of 30 days, an ordinary role: auto-kept), the same use on a privileged
    /// role (an exception), Rare (used 3 days: an exception) and Busy (used 20 days but far above the peers: an exception).
    /// </summary>
    private async Task<Org> SeedAsync(string name)
    {
        var org = new TestOrg(name);
        var manager = org.Person("Manager");
        var workspace = org.Workspace("ws", owner: manager);
        var developer = org.Role(workspace, "workspace_developer");
        var admin = org.Role(workspace, "workspace_admin", privileged: true);
        var steady = org.Person("Steady", manager);
        var steadyAdmin = org.Person("Steady admin", manager);
        var rare = org.Person("Rare", manager);
        var busy = org.Person("Busy", manager);
        var peerA = org.Person("Peer A", manager);
        var peerB = org.Person("Peer B", manager);
        org.WorkspaceActivity(steady, workspace, Enumerable.Range(0, 20), countPerDay: 2);
        org.WorkspaceActivity(steadyAdmin, workspace, Enumerable.Range(0, 20), countPerDay: 2);
        org.WorkspaceActivity(rare, workspace, [1, 5, 9], countPerDay: 2);
        org.WorkspaceActivity(busy, workspace, Enumerable.Range(0, 20), countPerDay: 60);
        // Active, holding nothing here: not peers of the role's holders, whose evidence is their use of this workspace.
        org.Activity(peerA, Enumerable.Range(0, 20), countPerDay: 2);
        org.Activity(peerB, Enumerable.Range(0, 20), countPerDay: 2);
        org.Grant(steady, developer);
        org.Grant(steadyAdmin, admin);
        org.Grant(rare, developer);
        org.Grant(busy, developer);
        await org.SaveAsync(portal);
        var definition = org.Definition(d =>
        {
            d.ResourceIds = [workspace.Id];
            d.AutoKeep = new AutoKeepPolicy { MinActiveDays = 15, MaxPeerRatio = 2 };
        });
        return new Org(org, manager, steady, steadyAdmin, rare, busy, definition);
    }

    [Fact]
    public async Task Launch_AutoKeepsExactlyWhatThePreviewCounted_AsTheSystemWithTheRuleAndItsInputs()
    {
        var org = await SeedAsync("autokeep-launch");

        var preview = await portal.PreviewCampaignAsync(org.Definition, org.Test.AdminViewer);
        var launched = await portal.LaunchCampaignAsync(org.Definition, org.Test.AdminViewer);

        Assert.True(preview.Ok, preview.Refusal?.Message);
        Assert.True(launched.Ok, launched.Refusal?.Message);
        Assert.Equal(1, preview.Value.AutoKept);
        await using var db = await portal.CreateDbContextAsync();
        var campaignId = launched.Value.CampaignId;
        var system = await db.ReviewDecisions.AsNoTracking()
            .Where(d => d.ReviewItem.CampaignId == campaignId && d.DecidedById == null).Include(d => d.ReviewItem).ToListAsync();
        Assert.Equal(preview.Value.AutoKept, system.Count);
        var decision = Assert.Single(system);
        Assert.Equal(org.Steady.Id, decision.ReviewItem.IdentityId);
        Assert.Equal(DecisionOutcome.Keep, decision.Outcome);
        Assert.Equal(TestOrg.Now, decision.DecidedAt);
        Assert.Equal(decision.ReviewItem.EvidenceHash, decision.EvidenceHash);
        Assert.Null(decision.SecondsToDecide);
        Assert.StartsWith(AutoKeep.Prefix, decision.Justification);
        Assert.Contains("used 20 of 30 days (>= 15)", decision.Justification);
        Assert.Contains("x peers (<= 2x)", decision.Justification);
        Assert.Contains("not privileged", decision.Justification);
        Assert.Contains("holder employed", decision.Justification);
        var item = decision.ReviewItem;
        Assert.Equal((true, DecisionOutcome.Keep, (int?)null, decision.Justification), (item.AutoKept, item.Outcome, item.DecidedById, item.Justification));
        var exceptions = await db.ReviewItems.AsNoTracking().Where(i => i.CampaignId == campaignId && !i.AutoKept)
            .Select(i => new { i.IdentityId, i.Outcome }).ToListAsync();
        Assert.Equal(new[] { org.SteadyAdmin.Id, org.Rare.Id, org.Busy.Id }.Order(), exceptions.Select(e => e.IdentityId).Order());
        Assert.All(exceptions, e => Assert.Null(e.Outcome));
        var audit = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.CampaignId == campaignId && a.Action == "review.auto-kept");
        Assert.Equal((AutoKeep.Actor, (int?)null), (audit.Actor, audit.ActorId));
        Assert.Contains($"\"itemIds\":[{item.Id}]", audit.After);
        Assert.Contains("used on at least 15 of the last 30 days", audit.After);
    }

    [Fact]
    public async Task CampaignItems_AutoKeptItemNamesTheExceptionPolicyAsItsDecider()
    {
        var org = await SeedAsync("autokeep-items");
        var launched = await portal.LaunchCampaignAsync(org.Definition, org.Test.AdminViewer);
        Assert.True(launched.Ok, launched.Refusal?.Message);

        var list = await portal.GetRequiredService<ListCampaignItems>().HandleAsync(org.Test.AdminViewer, launched.Value.CampaignId,
            new ListCampaignItems.Query { Outcome = DecisionOutcome.Keep });

        Assert.True(list.Ok, list.Refusal?.Message);
        var row = Assert.Single(list.Value.Rows);
        Assert.Equal((org.Steady.Id, (int?)null, AutoKeep.Decider), (row.IdentityId, row.DecidedById, row.DecidedBy));
    }

    [Fact]
    public async Task NextCampaign_TrailShowsTheAutoKeep_WithNoPersonAsItsDecider()
    {
        var org = await SeedAsync("autokeep-trail");
        Assert.True((await portal.LaunchCampaignAsync(org.Definition, org.Test.AdminViewer)).Ok);

        var next = await portal.LaunchCampaignAsync(org.Definition with { Name = "Next quarter", AutoKeep = null }, org.Test.AdminViewer);

        Assert.True(next.Ok, next.Refusal?.Message);
        await using var db = await portal.CreateDbContextAsync();
        var json = await db.ReviewItems.AsNoTracking().Where(i => i.CampaignId == next.Value.CampaignId && i.IdentityId == org.Steady.Id)
            .Select(i => i.EvidenceJson).SingleAsync();
        var kept = Assert.Single(ItemEvidence.FromJson(json)!.Trail, t => t.What.Contains(AutoKeep.Prefix, StringComparison.Ordinal));
        Assert.StartsWith("Keep in \"", kept.What, StringComparison.Ordinal);
        // The system decided: the trail does not name the reviewer the item was assigned to.
        Assert.Null(kept.Who);
    }

    [Fact]
    public async Task Launch_WithoutPolicy_KeepsNothing()
    {
        var org = await SeedAsync("autokeep-none");

        var launched = await portal.LaunchCampaignAsync(org.Definition with { AutoKeep = null }, org.Test.AdminViewer);

        Assert.True(launched.Ok, launched.Refusal?.Message);
        await using var db = await portal.CreateDbContextAsync();
        Assert.False(await db.ReviewItems.AnyAsync(i => i.CampaignId == launched.Value.CampaignId && (i.AutoKept || i.Outcome != null)));
        Assert.False(await db.ReviewDecisions.AnyAsync(d => d.ReviewItem.CampaignId == launched.Value.CampaignId));
    }

    [Fact]
    public async Task MyReviews_ShowOnlyExceptionsByDefault_AndTheAutoKeptItemLabelledWhenAskedFor()
    {
        var org = await SeedAsync("autokeep-queue");
        var launched = await portal.LaunchCampaignAsync(org.Definition, org.Test.AdminViewer);
        Assert.True(launched.Ok, launched.Refusal?.Message);
        var list = portal.GetRequiredService<ListMyReviewItems>();
        var manager = TestOrg.Viewer(org.Manager);

        var byDefault = (await list.HandleAsync(manager, new ListMyReviewItems.Query { CampaignId = launched.Value.CampaignId, Decided = null })).Value!;
        var all = (await list.HandleAsync(manager, new ListMyReviewItems.Query { CampaignId = launched.Value.CampaignId, Decided = null, ExceptionsOnly = false })).Value!;

        Assert.Equal(3, byDefault.Filtered);
        Assert.DoesNotContain(byDefault.Rows, r => r.IdentityId == org.Steady.Id);
        Assert.Equal(4, all.Filtered);
        var autoKept = Assert.Single(all.Rows, r => r.AutoKept);
        Assert.Equal((org.Steady.Id, DecisionOutcome.Keep), (autoKept.IdentityId, autoKept.Outcome));
    }

    [Fact]
    public async Task Reviewer_OverridesAnAutoKeep_AuditedAsOverridingIt_AndTheDashboardCountsAutoKeptApart()
    {
        var org = await SeedAsync("autokeep-override");
        var launched = await portal.LaunchCampaignAsync(org.Definition, org.Test.AdminViewer);
        Assert.True(launched.Ok, launched.Refusal?.Message);
        var campaignId = launched.Value.CampaignId;
        var dashboard = portal.GetRequiredService<GetCampaignDashboard>();
        var before = (await dashboard.HandleAsync(org.Test.AdminViewer, campaignId)).Value!;
        ReviewItem item;
        await using (var db = await portal.CreateDbContextAsync())
        {
            item = await db.ReviewItems.AsNoTracking().SingleAsync(i => i.CampaignId == campaignId && i.AutoKept);
        }

        var decided = await portal.GetRequiredService<DecideReviewItem>().HandleAsync(TestOrg.Viewer(org.Manager), new DecideReviewItem.Command
        {
            ItemId = item.Id, Outcome = DecisionOutcome.Revoke, Justification = "Moved to another team last week.",
            ExpectedVersion = item.Version, EvidenceHash = item.EvidenceHash, SecondsToDecide = 12,
        }, "test-override");

        Assert.True(decided.Ok, decided.Refusal?.Message);
        Assert.Equal((4, 1, 1, 0), (before.Items, before.Decided, before.AutoKept, before.DecidedByReviewers));
        Assert.Equal(3, before.Reviewers.Sum(r => r.Items));
        Assert.Equal(0, before.Reviewers.Sum(r => r.Decided));
        await using var check = await portal.CreateDbContextAsync();
        var after = await check.ReviewItems.AsNoTracking().SingleAsync(i => i.Id == item.Id);
        Assert.Equal((false, DecisionOutcome.Revoke, (int?)org.Manager.Id), (after.AutoKept, after.Outcome, after.DecidedById));
        var history = await check.ReviewDecisions.AsNoTracking().Where(d => d.ReviewItemId == item.Id).OrderBy(d => d.Id).ToListAsync();
        Assert.Equal([((int?)null, DecisionOutcome.Keep), (org.Manager.Id, DecisionOutcome.Revoke)], history.Select(d => (d.DecidedById, d.Outcome)));
        var entry = await check.AuditEntries.AsNoTracking().SingleAsync(a => a.CampaignId == campaignId && a.TargetId == item.Id.ToString()
            && a.Action == AutoKeep.OverrideAction);
        Assert.Equal(org.Manager.Id, entry.ActorId);
        Assert.Contains("overridesAutoKeep", entry.After);
        Assert.Contains("used 20 of 30 days", entry.After);
        var now = (await dashboard.HandleAsync(org.Test.AdminViewer, campaignId)).Value!;
        Assert.Equal((1, 0, 1), (now.Decided, now.AutoKept, now.DecidedByReviewers));
        Assert.Equal(4, now.Reviewers.Sum(r => r.Items));
    }

    [Fact]
    public async Task Validator_NamesTheFieldOfAnOutOfRangeCondition_InWords()
    {
        var validator = portal.GetRequiredService<FluentValidation.IValidator<CampaignDefinition>>();
        var org = new TestOrg("autokeep-valid");
        var definition = org.Definition(d => d.AutoKeep = new AutoKeepPolicy { MinActiveDays = 31, MaxPeerRatio = 0.5 });

        var result = await validator.ValidateAsync(definition);

        var errors = result.Errors.ToDictionary(e => e.PropertyName, e => e.ErrorMessage);
        Assert.Equal("Days used must be between 1 and 30 (the evidence covers the last 30 days).", errors["AutoKeep.MinActiveDays"]);
        Assert.Equal("The peer bound must be between 1 and 100 times the peers' median activity.", errors["AutoKeep.MaxPeerRatio"]);
        var off = await validator.ValidateAsync(org.Definition(d => d.AutoKeep = new AutoKeepPolicy
        {
            MinActiveDays = 31, RequireActiveDays = false, RequireWithinPeers = false, RequireNotPrivileged = false, RequireOwnerEmployed = false,
        }));
        Assert.Equal("Turn on at least one auto-keep condition, or turn auto-keep off.", Assert.Single(off.Errors).ErrorMessage);
    }
}
