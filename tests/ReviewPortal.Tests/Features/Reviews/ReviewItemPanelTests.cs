using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using MudBlazor.Services;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Identities;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Reviews;

/// <summary>The item detail panel: the evidence as launched, and the decision only for a deciding viewer.</summary>
public class ReviewItemPanelTests : BunitContext, IAsyncLifetime
{
    private static readonly DateTimeOffset Now = PortalAppFactory.Now;
    private const string Hash = "3f1c0a9e5b7d2c4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6";
    private readonly List<DecideReviewItem.Command> _sent = [];

    public ReviewItemPanelTests()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        // The panel only searches people when someone types into "Reassign to"; these tests never do.
        Services.AddSingleton<IDbContextFactory<ReviewPortalDbContext>, UnusedContexts>();
        Services.AddSingleton<SearchPeople>();
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are only async-disposable.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    private sealed class UnusedContexts : IDbContextFactory<ReviewPortalDbContext>
    {
        public ReviewPortalDbContext CreateDbContext() => throw new InvalidOperationException("The panel tests do not search people.");
    }

    private static ItemEvidence Evidence()
    {
        var daily = new int[30];
        daily[27] = 4;
        daily[28] = 2;
        var activity = new ActivityEvidence(Now.AddDays(-1), 1, 2, 6, daily, new Dictionary<string, int> { ["Chat and content"] = 6 }, 0);
        var peers = new PeerEvidence("Research people", 7, 12, 0.5);
        var role = new RoleContext("Person", "Research", "Data scientist", "Mara Lind", null, null, true, ["prod: workspace_developer"]);
        IReadOnlyList<TrailEntry> trail =
        [
            new(Now.AddDays(-200), "Holds research: workspace_admin", null),
            new(Now.AddDays(-199), "Approved: needed for the eval cluster", "Mara Lind"),
        ];
        var recommendation = new RecommendationResult(Recommendation.Reduce, "Reduce: admin rights unused for 30 days", "unused-privilege",
            new Dictionary<string, string> { ["activeDays"] = "2" });
        return new ItemEvidence(Now, activity, peers, role, trail, recommendation);
    }

    private static ReviewItemView Item(bool canDecide) => new(
        42, 1, "Q4 review", 7, "Ada Byron", IdentityKind.Person, "research: workspace_admin", true, "research: workspace_developer", "research",
        1, Recommendation.Reduce, "Reduce: admin rights unused for 30 days", Evidence(), Evidence().ToJson(), Hash, null, null, null, 3,
        canDecide, [], null, null);

    private IRenderedComponent<ReviewItemPanel> Render(ReviewItemView item, Func<DecideReviewItem.Command, Result<int>>? decide = null) =>
        Render<ReviewItemPanel>(p => p
            .Add(c => c.Item, item)
            .Add(c => c.Decide, command =>
            {
                _sent.Add(command);
                return Task.FromResult(decide?.Invoke(command) ?? command.ExpectedVersion + 1);
            })
            .AddCascadingValue(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity())))));

    [Fact]
    public void Panel_Item_ShowsActivityRolePeersTrailAndTheEvidenceHash()
    {
        var cut = Render(Item(canDecide: true));

        // Which activity each figure counts (issue #15, 9): any activity for the days, admin actions for the reduce advice.
        // Evidence stored before it was per entitlement says so (no source, no overall beside it).
        Assert.Contains("Active 2 of 30 days · 6 events · last active 2026-11-25 (1 days before launch)",
            cut.Find("[data-testid=item-activity-chart]").TextContent);
        Assert.Equal("Source: the holder's overall feed activity (recorded before evidence per entitlement)",
            cut.Find("[data-testid=entitlement-activity-source]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=overall-activity]"));
        Assert.StartsWith("Admin actions: none in 30 days (looked for: role changes, member changes, member invites",
            cut.Find("[data-testid=admin-activity]").TextContent);
        var role = cut.Find("[data-testid=role-context]").TextContent;
        Assert.Contains("Data scientist", role);
        Assert.Contains("Mara Lind", role);
        Assert.Contains("prod: workspace_developer", role);
        var trail = cut.Find("[data-testid=approval-trail]").TextContent;
        Assert.Contains("Holds research: workspace_admin", trail);
        Assert.Contains("Approved: needed for the eval cluster", trail);
        Assert.Contains("by Mara Lind", trail);
        Assert.Contains("6 events vs a median of 12 among 7 Research people", cut.Find("[data-testid=peer-comparison]").TextContent);
        Assert.Equal(Hash, cut.Find("[data-testid=evidence-hash]").TextContent);
        Assert.Contains("Reduce: admin rights unused for 30 days", cut.Find("[data-testid=recommendation-reason]").TextContent);
    }

    [Fact]
    public void Panel_KeyItem_ShowsItsUsageWithSourceAndTheOverallBesideIt()
    {
        var daily = new int[30];
        var tokens = Enumerable.Range(0, 30).Select(i => i >= 10 ? 150_000L : 0).ToArray();
        var own = new ActivityEvidence(Now, 0, 20, 0, daily, new Dictionary<string, int>(), 0, tokens, 3_000_000, 200, 0,
            EntitlementEvidencePolicy.KeySource);
        var overall = own with { Source = EntitlementEvidencePolicy.OverallSource };
        var evidence = Evidence() with { Activity = own, Overall = overall };
        var item = Item(canDecide: true) with { Evidence = evidence, EvidenceJson = evidence.ToJson() };

        var cut = Render(item);

        Assert.Equal("Used 20 of 30 days, 3 M tokens · 200 requests · 0 events · last used 2026-11-26 (0 days before launch)",
            cut.Find("[data-testid=entitlement-activity-summary]").TextContent);
        Assert.Equal($"Source: {EntitlementEvidencePolicy.KeySource}", cut.Find("[data-testid=entitlement-activity-source]").TextContent);
        Assert.Single(cut.FindAll("[data-testid=entitlement-activity-tokens]"));
        Assert.Equal($"Source: {EntitlementEvidencePolicy.OverallSource}", cut.Find("[data-testid=overall-activity-source]").TextContent);
        Assert.Contains("Ada Byron, overall", cut.Find("[data-testid=overall-activity]").TextContent);
    }

    [Fact]
    public void Panel_WorkspaceRoleItem_TopActivityTypesSayTheyAreAllOfTheHoldersEvents()
    {
        var own = Evidence().Activity with { Source = "Activity in workspace research (its feed events and usage there)" };
        var scoped = Evidence() with { Activity = own, Overall = own with { Source = EntitlementEvidencePolicy.OverallSource } };
        TypeCount[] types = [new("claude_chat_created", 5)];

        var workspaceItem = Render(Item(canDecide: true) with { Evidence = scoped, EvidenceJson = scoped.ToJson(), TopTypes = types });
        var orgItem = Render(Item(canDecide: true) with { TopTypes = types });

        // The feed's raw events are kept per identity: beside a workspace's own figures, the table says whose events it counts.
        Assert.Equal("Top activity types, all of Ada Byron's events", workspaceItem.Find("[data-testid=top-activity-types] th").TextContent);
        Assert.Equal("Top activity types", orgItem.Find("[data-testid=top-activity-types] th").TextContent);
    }

    [Fact]
    public void Panel_DecidingViewer_ShowsDecisionButtonsIncludingReduce()
    {
        var cut = Render(Item(canDecide: true));

        foreach (var button in new[] { "decide-keep", "decide-revoke", "decide-reduce", "decide-dontknow", "decide-reassign" })
        {
            Assert.Single(cut.FindAll($"[data-testid={button}]"));
        }
        Assert.Contains("Reduce to research: workspace_developer", cut.Find("[data-testid=decide-reduce]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=read-only]"));
    }

    [Fact]
    public void Panel_ReadOnlyViewer_NoDecisionButtons()
    {
        var cut = Render(Item(canDecide: false));

        Assert.Empty(cut.FindAll("[data-testid^=decide-]"));
        Assert.Empty(cut.FindAll("[data-testid=justification]"));
        Assert.Single(cut.FindAll("[data-testid=read-only]"));
    }

    [Fact]
    public void Panel_RevokeWithoutJustificationRefused_ShowsTheFieldError()
    {
        const string error = "This campaign requires a justification of at least 10 characters for a Revoke decision.";
        var cut = Render(Item(canDecide: true), _ => Refusal.Invalid(new Dictionary<string, string> { ["Justification"] = error }));

        Assert.DoesNotContain(error, cut.Markup);

        cut.Find("[data-testid=decide-revoke]").Click();

        var sent = Assert.Single(_sent);
        Assert.Equal((42L, DecisionOutcome.Revoke, 3, Hash), (sent.ItemId, sent.Outcome, sent.ExpectedVersion, sent.EvidenceHash));
        Assert.Null(sent.Justification);
        cut.WaitForAssertion(() => Assert.Contains(error, cut.Markup));
        Assert.Empty(cut.FindAll("[data-testid=decision-error]"));
    }

    [Fact]
    public void Panel_ConflictOnDecide_ShowsTheMessageAsAnAlert()
    {
        var cut = Render(Item(canDecide: true), _ => Refusal.Conflict("This item changed while you were looking at it."));

        cut.Find("[data-testid=decide-keep]").Click();

        cut.WaitForAssertion(() => Assert.Equal("This item changed while you were looking at it.",
            cut.Find("[data-testid=decision-error]").TextContent.Trim()));
    }
}
