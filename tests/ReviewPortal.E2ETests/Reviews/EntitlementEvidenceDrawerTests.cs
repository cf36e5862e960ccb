using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReviewPortal.E2ETests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.E2ETests.Reviews;

/// <summary>
/// The drawer shows the entitlement's own evidence, labelled with what was counted, and the identity's overall activity
/// beside it (issue #16, 2): a demo key given Messages usage (as the usage ingestion writes it) and reviewed in a campaign
/// launched after, so its evidence holds that usage.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class EntitlementEvidenceDrawerTests(AppServer app, BrowserFixture browser) : BrowserTest(app, browser)
{
    private readonly DemoData _data = new(app);
    private readonly AppServer _app = app;

    [BrowserFact]
    public async Task Reviewer_OpensKeyItem_SeesTheKeysUsageWithItsSourceAndTheOverallBesideIt()
    {
        var engineer = await _data.PersonaAsync(Personas.Engineer);
        var admin = await _data.PersonaAsync(Personas.Admin);
        var now = _app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        // A key in a workspace, not the engineer's (nobody reviews their own key), given 12 days of Messages usage.
        var key = await _data.QueryAsync(db => db.Grants.AsNoTracking()
            .Where(g => g.EndedAt == null && g.Entitlement.Kind == EntitlementKind.ApiKey && g.Identity.Kind == IdentityKind.ApiKey
                && g.Identity.Status == "active" && g.Identity.OwnerId != null && g.Identity.OwnerId != engineer.IdentityId
                && g.Entitlement.Resource.Kind == ResourceKind.Workspace)
            .OrderBy(g => g.Id)
            .Select(g => new { g.IdentityId, g.Identity.ExternalId, g.Identity.DisplayName, g.Entitlement.ResourceId })
            .FirstAsync());
        await _data.QueryAsync(async db =>
        {
            db.UsageRollups.AddRange(Enumerable.Range(0, 12).Select(d => new UsageRollup
            {
                Subject = UsageSubject.ApiKey, SubjectId = key.ExternalId, IdentityId = key.IdentityId, Day = today.AddDays(-d),
                Requests = 40, UncachedInputTokens = 60_000, OutputTokens = 40_000,
            }));
            return await db.SaveChangesAsync();
        });
        using var scope = _app.Services.CreateScope();
        var launched = await scope.ServiceProvider.GetRequiredService<LaunchCampaign>().HandleAsync(
            new Viewer(admin.IdentityId, admin.FullName, new HashSet<string> { Roles.Admin }),
            new CampaignDefinition
            {
                Name = "Key usage evidence", ResourceIds = [key.ResourceId], EntitlementKinds = [EntitlementKind.ApiKey],
                IdentityKinds = [IdentityKind.ApiKey], Reviewer = ReviewerRule.Named, NamedReviewerIds = [engineer.IdentityId],
                FallbackReviewerId = admin.IdentityId, DueAt = now.AddDays(14),
            },
            "e2e-key-usage", CancellationToken.None);
        Assert.True(launched.Ok, launched.Refusal?.Message);
        var itemId = await _data.QueryAsync(db => db.ReviewItems
            .Where(i => i.CampaignId == launched.Value.CampaignId && i.IdentityId == key.IdentityId).Select(i => i.Id).SingleAsync());

        await Personas.SignInAsAsync(Page, Personas.Engineer);
        await Page.GotoAsync($"/reviews/{itemId}");
        await BlazorReady.WaitAsync(Page);

        var panel = Page.GetByTestId("item-drawer").GetByTestId("review-item-panel");
        var own = panel.GetByTestId("entitlement-activity");
        await Expect(own.GetByRole(AriaRole.Heading, new() { Name = "This entitlement" })).ToBeVisibleAsync();
        // Its days are those with usage or a feed event of its own (demo keys have some).
        await Expect(own.GetByTestId("entitlement-activity-summary")).ToContainTextAsync(UsedSummary());
        await Expect(own.GetByTestId("entitlement-activity-source")).ToHaveTextAsync("Source: Usage of this key (usage report) and its feed events");
        await Expect(own.GetByTestId("entitlement-activity-tokens")).ToBeVisibleAsync();
        var overall = panel.GetByTestId("overall-activity");
        await Expect(overall.GetByRole(AriaRole.Heading, new() { Name = $"{key.DisplayName}, overall" })).ToBeVisibleAsync();
        await Expect(overall.GetByTestId("overall-activity-source")).ToHaveTextAsync("Source: Overall activity (all feed events and usage)");
        await Expect(panel.GetByTestId("recommendation-reason")).Not.ToContainTextAsync("no activity");
        await Accessibility.AssertNoSeriousViolationsAsync(Page);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^Used (1[2-9]|2\d|30) of 30 days, 1\.2 M tokens · 480 requests")]
    private static partial System.Text.RegularExpressions.Regex UsedSummary();
}
