using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Features.Audit;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Tests.Features.Audit;

/// <summary>
/// Issue #15, 10: the audit list hides the routine runs of scheduled jobs unless asked, and says how many entries match
/// ("1–50 of 3,210"). Each test marks its entries with a campaign id of its own.
/// </summary>
public sealed class AuditNoiseAndCountTests(EmptyPortalAppFactory portal) : IClassFixture<EmptyPortalAppFactory>
{
    private static readonly Viewer Compliance = new(null, "compliance", new HashSet<string> { Roles.Compliance });

    private static int NewCampaignId() => Random.Shared.Next(1_000_000, int.MaxValue);

    private async Task AppendAsync(int campaign, params string[] actions)
    {
        await using var db = await portal.CreateDbContextAsync();
        foreach (var action in actions)
        {
            db.Audit(new AuditActor(null, "job", PortalAppFactory.Now, "noise"), action, new AuditTarget("IngestionRun", action), after: new { ok = true },
                campaignId: campaign);
        }
        await db.SaveChangesAsync();
    }

    private async Task<AuditResultPage> SearchAsync(SearchAuditTrail.Filter filter, int page = 0, int pageSize = 50) =>
        (await portal.GetRequiredService<SearchAuditTrail>().HandleAsync(Compliance, filter, page, pageSize)).Value! with
        {
            Count = (await portal.GetRequiredService<SearchAuditTrail>().CountAsync(Compliance, filter)).Value!,
        };

    [Fact]
    public async Task RoutineJobRuns_HiddenByDefault_ShownWhenAsked_FailuresNeverHidden()
    {
        var campaign = NewCampaignId();
        await AppendAsync(campaign, "connector.activity-run", "connector.activity-run", "connector.directory-sync", "people.synced",
            "connector.directory-sync-failed", "campaign.closed");

        var quiet = await SearchAsync(new SearchAuditTrail.Filter { CampaignId = campaign });
        var all = await SearchAsync(new SearchAuditTrail.Filter { CampaignId = campaign, IncludeSystemNoise = true });

        Assert.Equal(["campaign.closed", "connector.directory-sync-failed"], quiet.Rows.Select(r => r.Action));
        Assert.Equal(2, quiet.Count!.Total);
        Assert.Equal(6, all.Rows.Count);
        Assert.Equal(6, all.Count!.Total);
    }

    [Fact]
    public async Task Total_CountsEveryMatchingEntry_NotJustThePage()
    {
        var campaign = NewCampaignId();
        await AppendAsync(campaign, Enumerable.Range(1, 7).Select(i => $"test.count-{i}").ToArray());

        var first = await SearchAsync(new SearchAuditTrail.Filter { CampaignId = campaign }, page: 0, pageSize: 3);
        var second = await SearchAsync(new SearchAuditTrail.Filter { CampaignId = campaign }, page: 1, pageSize: 3);
        var last = await SearchAsync(new SearchAuditTrail.Filter { CampaignId = campaign }, page: 2, pageSize: 3);

        Assert.Equal(new AuditCount(7, false), first.Count);
        Assert.Equal("1–3 of 7", first.Range);
        Assert.Equal("4–6 of 7", second.Range);
        Assert.Equal("7–7 of 7", last.Range);
        Assert.False(last.HasMore);
    }

    [Fact]
    public async Task Total_NothingMatches_SaysNoEntries()
    {
        var page = await SearchAsync(new SearchAuditTrail.Filter { CampaignId = NewCampaignId() });

        Assert.Equal(0, page.Count!.Total);
        Assert.Equal("No entries", page.Range);
    }

    [Fact]
    public void Range_OverTheCountLimit_SaysMoreThan()
    {
        var rows = Enumerable.Range(1, 50).Select(i => new AuditRow(i, PortalAppFactory.Now, null, "a", "x", "T", "t", null, null, null, null, "c", "h")).ToList();

        var page = new AuditResultPage(rows, true, 50, new AuditCount(SearchAuditTrail.CountLimit, true));

        Assert.Equal("51–100 of more than 10,000", page.Range);
    }
}
