using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>
/// A seeded portal of its own for tests that launch campaigns or decide items in the demo
/// organization, so the read-only seeded collection is never changed under its tests.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SeededReviewCollection : ICollectionFixture<PortalAppFactory>
{
    public const string Name = "Seeded portal for campaigns and reviews";
}

/// <summary>Preview and launch on the simulated organization (seeded through the real pipeline).</summary>
[Collection(SeededReviewCollection.Name)]
public class SeededCampaignTests(PortalAppFactory portal)
{
    private static CampaignDefinition Definition(string name, Action<CampaignDefinition> configure)
    {
        var definition = new CampaignDefinition
        {
            Name = name,
            EntitlementKinds = [.. Enum.GetValues<EntitlementKind>()],
            IdentityKinds = [.. Enum.GetValues<IdentityKind>()],
            Reviewer = ReviewerRule.Manager,
            DueAt = PortalAppFactory.Now.AddDays(21),
        };
        configure(definition);
        return definition;
    }

    [Fact]
    public async Task Preview_RevokeDefaultOverEveryOrgAdmin_LaunchBlockedNamingEachOrganization()
    {
        var admin = await portal.ViewerForAsync("admin");
        await using var db = await portal.CreateDbContextAsync();
        // Organizations whose only privileged holders are org admins: revoking all of those orphans them.
        var orphaned = await db.Resources.Where(r => r.Kind == ResourceKind.Organization
                && r.Entitlements.Any(e => e.Kind == EntitlementKind.OrgRole && e.Value == "admin")
                && db.Grants.Any(g => g.EndedAt == null && g.Entitlement.ResourceId == r.Id && g.Entitlement.Value == "admin")
                && !db.Grants.Any(g => g.EndedAt == null && g.Entitlement.ResourceId == r.Id && g.Entitlement.IsPrivileged
                    && !(g.Entitlement.Kind == EntitlementKind.OrgRole && g.Entitlement.Value == "admin")))
            .Select(r => r.Name).ToListAsync();
        Assert.NotEmpty(orphaned);
        var campaignsBefore = await db.Campaigns.CountAsync();
        var definition = Definition("Org admins, revoke on silence", d =>
        {
            d.EntitlementKinds = [EntitlementKind.OrgRole];
            d.Roles = ["admin"];
            d.FallbackReviewerId = admin.IdentityId;
            d.UnreviewedOutcome = UnreviewedOutcome.Revoke;
        });

        var preview = await portal.PreviewCampaignAsync(definition);
        var launched = await portal.LaunchCampaignAsync(definition);

        Assert.NotNull(preview.Value!.LaunchBlockedReason);
        Assert.All(orphaned, name => Assert.Contains(name, preview.Value.LaunchBlockedReason));
        Assert.False(launched.Ok);
        Assert.Equal(preview.Value.LaunchBlockedReason, launched.Refusal.Message);
        Assert.Equal(campaignsBefore, await db.Campaigns.CountAsync());
    }

    [Fact]
    public async Task Preview_WorkspaceRolesByManager_ReviewerCountsSumToItemsAndEqualWhatLaunchCreates()
    {
        var admin = await portal.ViewerForAsync("admin");
        var definition = Definition("Workspace roles by manager", d =>
        {
            d.EntitlementKinds = [EntitlementKind.WorkspaceRole];
            d.FallbackReviewerId = admin.IdentityId;
        });

        var preview = await portal.PreviewCampaignAsync(definition);
        var launched = await portal.LaunchCampaignAsync(definition);

        Assert.True(preview.Ok, preview.Refusal?.Message);
        Assert.True(preview.Value.Items > 10, $"The demo organization has workspace roles in scope ({preview.Value.Items}).");
        Assert.True(preview.Value.Reviewers.Count > 1, "Several managers share the items.");
        Assert.Equal(preview.Value.Items, preview.Value.Reviewers.Sum(r => r.Items));
        Assert.Equal(preview.Value.Items, preview.Value.Recommendations.Values.Sum());
        Assert.Equal(preview.Value.Items, launched.Value!.Items);
        await using var db = await portal.CreateDbContextAsync();
        var created = await db.ReviewItems.Where(i => i.CampaignId == launched.Value.CampaignId).GroupBy(i => i.ReviewerId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
        Assert.Equal(preview.Value.Reviewers.ToDictionary(r => r.ReviewerId, r => r.Items), created);
        Assert.All(preview.Value.Reviewers, r => Assert.Equal(r.ReviewerId == admin.IdentityId, r.IsFallback));
    }
}
