using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Features.Requests;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Identities;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Identities;

/// <summary>The auditor's story of one identity: grants, decisions, periods of use and dormancy, oldest first; only for readers of the identity.</summary>
public sealed class GetIdentityTimelineTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private GetIdentityTimeline Handler => portal.GetRequiredService<GetIdentityTimeline>();

    private sealed record Story(TestOrg Org, Identity Manager, Identity OtherManager, Identity Dora, Identity Auditor, Entitlement Role,
        int CampaignId);

    /// <summary>
    /// Dora holds one role (granted 200 days ago), used it on days 40–39 and 25–20 before now (two periods: the gap is longer than
    /// a week), nothing since; her manager keeps the role in a campaign today.
    /// </summary>
    private async Task<Story> DoraAsync()
    {
        var org = new TestOrg("timeline");
        var manager = org.Person("Manager");
        var other = org.Person("Other manager");
        var auditor = org.Person("Auditor");
        var dora = org.Person("Dora", manager, lastActive: TestOrg.Now.AddDays(-20));
        var role = org.Role(org.Organization, "user");
        org.Grant(dora, role, grantedDaysAgo: 200);
        org.Activity(dora, [40, 39], countPerDay: 2);
        org.Activity(dora, Enumerable.Range(20, 6), countPerDay: 5);
        await org.SaveAsync(portal);
        var launched = await portal.LaunchCampaignAsync(org.Definition(), org.AdminViewer);
        Assert.True(launched.Ok, launched.Refusal?.Message);
        return new Story(org, manager, other, dora, auditor, role, launched.Value.CampaignId);
    }

    [Fact]
    public async Task Timeline_DecidedItemGrantAndDormancy_AllPresentInChronologicalOrder()
    {
        var story = await DoraAsync();
        await using (var db = await portal.CreateDbContextAsync())
        {
            var item = db.ReviewItems.Single(i => i.CampaignId == story.CampaignId && i.IdentityId == story.Dora.Id);
            var decided = await portal.GetRequiredService<DecideReviewItem>().HandleAsync(TestOrg.Viewer(story.Manager),
                new DecideReviewItem.Command
                {
                    ItemId = item.Id, Outcome = DecisionOutcome.Keep, Justification = "Back from leave next month.", ExpectedVersion = item.Version,
                    EvidenceHash = item.EvidenceHash,
                }, "timeline");
            Assert.True(decided.Ok, decided.Refusal?.Message);
        }

        var timeline = (await Handler.HandleAsync(TestOrg.Viewer(story.Auditor, Roles.Compliance), story.Dora.Id)).Value;

        Assert.NotNull(timeline);
        Assert.Equal(timeline.OrderBy(e => e.At).Select(e => e.At), timeline.Select(e => e.At));
        var granted = Assert.Single(timeline, e => e.Kind == TimelineKind.Granted);
        Assert.Equal($"Granted {story.Role.DisplayName}", granted.Title);
        Assert.Equal(TestOrg.Now.AddDays(-200), granted.At);
        var periods = timeline.Where(e => e.Kind == TimelineKind.Activity).ToList();
        Assert.Equal(2, periods.Count);
        Assert.StartsWith("Used on 2 of 2 days", periods[0].Title);
        Assert.Equal("4 events", periods[0].Detail);
        Assert.StartsWith("Used on 6 of 6 days", periods[1].Title);
        Assert.Equal("30 events", periods[1].Detail);
        var dormant = Assert.Single(timeline, e => e.Kind == TimelineKind.Dormant);
        var firstQuietDay = DateOnly.FromDateTime(TestOrg.Now.UtcDateTime).AddDays(-19);
        Assert.Equal($"Dormant since {firstQuietDay:d MMM yyyy}", dormant.Title);
        Assert.Equal("20 days without activity", dormant.Detail);
        var certified = Assert.Single(timeline, e => e.Kind == TimelineKind.Certified);
        Assert.StartsWith($"Keep {story.Role.DisplayName}", certified.Title);
        Assert.Equal("Back from leave next month.", certified.Detail);
        Assert.Equal(story.Manager.DisplayName, certified.Actor);

        var order = new[] { granted, periods[0], periods[1], dormant, certified }.Select(e => timeline.ToList().IndexOf(e)).ToList();
        Assert.Equal(order.Order(), order);
    }

    [Fact]
    public async Task Timeline_OwnManager_SeesIt_ManagerWhoCannotReadTheIdentity_Null()
    {
        var story = await DoraAsync();

        Assert.NotNull((await Handler.HandleAsync(TestOrg.Viewer(story.Manager), story.Dora.Id)).Value);
        Assert.Equal(RefusalKind.Forbidden, (await Handler.HandleAsync(TestOrg.Viewer(story.OtherManager), story.Dora.Id)).Refusal?.Kind);
        Assert.Equal(RefusalKind.Forbidden, (await Handler.HandleAsync(TestOrg.Viewer(story.OtherManager, Roles.AppOwner), story.Dora.Id)).Refusal?.Kind);
    }

    [Fact]
    public async Task Timeline_RecentlyActive_NoDormantEntry()
    {
        var org = new TestOrg("timeline-active");
        var manager = org.Person("Manager");
        var active = org.Person("Active", manager);
        org.Grant(active, org.Role(org.Organization, "user"));
        org.Activity(active, Enumerable.Range(0, 5));
        await org.SaveAsync(portal);

        var timeline = (await Handler.HandleAsync(TestOrg.Viewer(manager), active.Id)).Value;

        Assert.NotNull(timeline);
        Assert.DoesNotContain(timeline, e => e.Kind == TimelineKind.Dormant);
        Assert.Single(timeline, e => e.Kind == TimelineKind.Activity);
    }

    [Fact]
    public async Task Timeline_NhiGrantThroughRequest_ShowsRequesterBothApproversAndWhoProvisionedInOrder()
    {
        var org = await RequestOrg.CreateAsync(portal);
        var id = await org.SubmitOkAsync(org.Rita, org.Developer, org.RitasKey, days: 60);
        portal.Time.Advance(TimeSpan.FromHours(1));
        Assert.True((await org.DecideAsync(org.As(org.Max), (await org.StepAsync(id, 1)).Id, comment: "Rita runs the pipeline.")).Ok);
        portal.Time.Advance(TimeSpan.FromHours(1));
        Assert.True((await org.DecideAsync(org.As(org.Olga), (await org.StepAsync(id, 2)).Id)).Ok);
        portal.Time.Advance(TimeSpan.FromHours(1));
        Assert.True((await portal.GetRequiredService<ConfirmFulfilment>().HandleAsync(org.As(org.Org.Admin, Roles.Admin), id, "timeline")).Ok);

        var timeline = (await Handler.HandleAsync(org.As(org.Rita), org.RitasKey.Id)).Value;

        Assert.NotNull(timeline);
        var name = org.Developer.DisplayName;
        Assert.Collection(timeline.Where(e => e.Title.Contains(name, StringComparison.Ordinal)),
            e => Assert.Equal((TimelineKind.Changed, $"{name}: Requested: \"Deploying the evaluation pipeline for the Q1 launch.\"", org.Rita.DisplayName),
                (e.Kind, e.Title, e.Actor)),
            e => Assert.Equal((TimelineKind.Approved, $"Approved request for {name}", "Rita runs the pipeline.", org.Max.DisplayName),
                (e.Kind, e.Title, e.Detail, e.Actor)),
            e => Assert.Equal((TimelineKind.Approved, $"Approved request for {name}", org.Olga.DisplayName), (e.Kind, e.Title, e.Actor)),
            e => Assert.Equal((TimelineKind.Granted, $"Granted {name}", "through an approved request"), (e.Kind, e.Title, e.Detail)),
            e => Assert.Equal((TimelineKind.Changed, $"{name}: granted by hand, confirmed by {org.Org.Admin.DisplayName}", org.Org.Admin.DisplayName),
                (e.Kind, e.Title, e.Actor)));
    }
}
