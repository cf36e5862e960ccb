using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Home;
using ReviewPortal.Web.Features.Identities;

namespace ReviewPortal.Tests.Features.Identities;

/// <summary>The home card's dormant keys and the list it links to count a key's usage as use (issue #16, 3).</summary>
public class DormantApiKeysTests
{
    [Fact]
    public async Task DormantKeysCard_KeyUsedOnlyThroughUsage_NotDormant()
    {
        await using var portal = new EmptyPortalAppFactory();
        var org = new TestOrg("dormant");
        var owner = org.Person("Owner");
        var idle = org.Key("Idle key", owner, lastActive: TestOrg.Now.AddDays(-60));
        var serving = org.Key("Serving key", owner, lastActive: TestOrg.Now.AddDays(-60));
        org.Usage(serving, UsageSubject.ApiKey, [3], tokensPerDay: 5_000);
        var staleUsage = org.Key("Stale usage key", owner);
        staleUsage.LastActiveAt = null;
        org.Usage(staleUsage, UsageSubject.ApiKey, [40], tokensPerDay: 5_000);
        await org.SaveAsync(portal);

        var summary = (await portal.GetRequiredService<GetHomeSummary>().HandleAsync(org.AdminViewer)).Value!;
        var listed = (await portal.GetRequiredService<ListIdentities>().HandleAsync(org.AdminViewer,
            new ListIdentities.Query(null, null, 0, 200, DormantKeysOnly: true))).Value!;

        Assert.Equal(2, summary.DormantApiKeys);
        Assert.Equal(new[] { idle.Id, staleUsage.Id }, listed.Rows.Select(r => r.Id).Order());
    }
}
