using FluentValidation;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Email;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>
/// PostgreSQL writes a launch's items with one binary COPY on the unit of work's connection. The COPY belongs to the
/// launch transaction: when the commit is lost and the strategy runs the launch again, the first attempt's items roll
/// back with it and the campaign ends up with exactly its planned items, once. (What the items hold is checked on every
/// engine by LaunchCampaignItemsTests.)
/// </summary>
public sealed class ReviewItemWriterPostgresTests : IAsyncLifetime
{
    private readonly EmptyPortalAppFactory _portal = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task Launch_ConnectionLostAtCommit_RetriedLaunchWritesThePlannedItemsOnce()
    {
        var org = new TestOrg("copy-retry");
        var manager = org.Person("Manager");
        var user = org.Role(org.Organization, "user");
        foreach (var n in Enumerable.Range(1, 25))
        {
            org.Grant(org.Person($"Member {n}", manager), user);
        }
        await org.SaveAsync(_portal);
        var lose = new LoseFirstCommit();
        var launch = new LaunchCampaign(lose.Contexts(_portal.Database.ConnectionString),
            _portal.GetRequiredService<IValidator<CampaignDefinition>>(),
            _portal.GetRequiredService<LaunchMails>(), _portal.Time);

        var launched = await launch.HandleAsync(org.AdminViewer, org.Definition(), "copy-retry");

        Assert.True(launched.Ok, launched.Refusal?.Message);
        Assert.Equal(1, lose.Failures);
        await using var db = await _portal.CreateDbContextAsync();
        Assert.Equal(1, await db.Campaigns.CountAsync());
        Assert.Equal(25, launched.Value.Items);
        var items = await db.ReviewItems.Where(i => i.CampaignId == launched.Value.CampaignId).ToListAsync();
        Assert.Equal(25, items.Count);
        Assert.Equal(25, items.Select(i => i.GrantId).Distinct().Count());
        Assert.All(items, i => Assert.Equal(ItemEvidence.Hash(i.EvidenceJson), i.EvidenceHash));
        Assert.Equal(0, await db.ReviewItems.CountAsync(i => i.CampaignId != launched.Value.CampaignId));
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == "campaign.launched"));
    }
}
