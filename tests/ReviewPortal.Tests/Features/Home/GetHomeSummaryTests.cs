using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Home;
using ReviewPortal.Web.Features.Identities;

namespace ReviewPortal.Tests.Features.Home;

[Collection(SeededPortalCollection.Name)]
public class GetHomeSummaryTests(PortalAppFactory portal)
{
    [Theory]
    [InlineData("manager")]
    [InlineData("appowner")]
    [InlineData("compliance")]
    [InlineData("admin")]
    public async Task HandleAsync_Persona_CountsMatchDatabase(string persona)
    {
        var viewer = await portal.ViewerForAsync(persona);
        var me = viewer.IdentityId!.Value;

        var summary = (await portal.GetRequiredService<GetHomeSummary>().HandleAsync(viewer)).Value!;

        await using var db = await portal.CreateDbContextAsync();
        var visible = viewer.CanReadEverything
            ? await db.Identities.CountAsync()
            : await db.Identities.CountAsync(i => i.ManagerId == me || i.OwnerId == me || i.Owner!.ManagerId == me);
        Assert.Equal(visible, summary.VisibleIdentities);
        Assert.Equal(await db.Campaigns.CountAsync(c => c.Status == CampaignStatus.Active), summary.OpenCampaigns);
        Assert.Equal(await db.ReviewItems.CountAsync(r => r.ReviewerId == me && r.Outcome == null
            && r.Campaign.Status == CampaignStatus.Active), summary.PendingReviewItems);
        Assert.Equal(await db.ApprovalSteps.CountAsync(s => s.ApproverId == me && s.Status == ApprovalStatus.Pending),
            summary.PendingApprovals);
        Assert.Equal(await db.AccessRequests.CountAsync(r => r.RequesterId == me && r.Status == AccessRequestStatus.Pending),
            summary.MyOpenRequests);
        Assert.Equal(PortalAppFactory.Now, summary.LastDirectorySync);

        if (viewer.CanReadEverything)
        {
            var dormantSince = PortalAppFactory.Now.AddDays(-30);
            // Dormant: no feed event and no usage day (the key's Messages or Claude Code use) in 30 days.
            var usedSince = DateOnly.FromDateTime(dormantSince.UtcDateTime);
            var used = (await db.UsageRollups.Where(u => u.IdentityId != null && u.Day >= usedSince && (u.Requests > 0 || u.Sessions > 0 || u.OutputTokens > 0))
                .Select(u => u.IdentityId!.Value).ToListAsync()).ToHashSet();
            var dormant = (await db.Identities.Where(i => i.Kind == IdentityKind.ApiKey && i.Status == "active")
                    .Select(i => new { i.Id, i.LastActiveAt }).ToListAsync())
                .Count(k => (k.LastActiveAt is null || k.LastActiveAt < dormantSince) && !used.Contains(k.Id));
            Assert.Equal(await db.AuditEntries.CountAsync(), summary.AuditEntries);
            Assert.Equal(dormant, summary.DormantApiKeys);
            Assert.True(summary.DormantApiKeys > 0, "The demo seed has dormant keys (profile 7).");
        }
        else
        {
            Assert.True(visible > 0, $"The {persona} persona answers for someone in the demo organization.");
            Assert.Null(summary.AuditEntries);
            Assert.Null(summary.DormantApiKeys);
        }
    }

    [Fact]
    public async Task DormantKeysCard_TheListItLinksTo_ShowsExactlyTheKeysItCounted()
    {
        var admin = await portal.ViewerForAsync("admin");
        var summary = (await portal.GetRequiredService<GetHomeSummary>().HandleAsync(admin)).Value!;

        var listed = (await portal.GetRequiredService<ListIdentities>().HandleAsync(admin,
            new ListIdentities.Query(null, null, 0, 200, DormantKeysOnly: true))).Value;

        Assert.True(summary.DormantApiKeys > 0, "The demo seed has dormant keys (profile 7).");
        Assert.Equal(summary.DormantApiKeys, listed.Total);
        var dormantSince = PortalAppFactory.Now.AddDays(-30);
        Assert.All(listed.Rows, row =>
        {
            Assert.Equal(IdentityKind.ApiKey, row.Kind);
            Assert.Equal("active", row.Status);
            Assert.True(row.LastActiveAt is null || row.LastActiveAt < dormantSince, $"{row.DisplayName} was active {row.LastActiveAt}");
        });
    }

    [Theory]
    [InlineData("manager", true)]
    [InlineData("engineer", false)]
    public async Task HasReports_OnlyForSomeoneWhoManagesSomebody(string persona, bool expected)
    {
        var viewer = await portal.ViewerForAsync(persona);

        var summary = (await portal.GetRequiredService<GetHomeSummary>().HandleAsync(viewer)).Value!;

        await using var db = await portal.CreateDbContextAsync();
        Assert.Equal(expected, await db.Identities.AnyAsync(i => i.ManagerId == viewer.IdentityId));
        Assert.Equal(expected, summary.HasReports);
    }
}
