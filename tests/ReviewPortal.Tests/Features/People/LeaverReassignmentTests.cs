using Azure.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ReviewPortal.Tests.Features.Campaigns;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.People;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Tests.Features.People;

/// <summary>
/// A reviewer the people directory marks departed (a CSV import or the Entra sync) has their undecided items moved to
/// their manager, else the campaign's fallback reviewer, audited; never to the person the item is about.
/// </summary>
public sealed class LeaverReassignmentTests : IAsyncLifetime
{
    private readonly CsvPeoplePortal _portal = new();
    private static readonly Viewer Admin = new(null, "Ada Admin", new HashSet<string> { Roles.Admin });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    /// <summary>
    /// Mia reviews everyone (named reviewer) and reports to Hal; Sol reviews a second campaign and has no manager. Hal's
    /// own access is in Mia's campaign, so Hal cannot take that item when Mia leaves.
    /// </summary>
    internal sealed record Org(TestOrg Test, Identity Hal, Identity Mia, Identity Sol, Identity Ann, Identity Ben, Entitlement User)
    {
        public IEnumerable<Identity> People => [Test.Admin, Hal, Mia, Sol, Ann, Ben];

        public static async Task<Org> CreateAsync(PortalAppFactory portal)
        {
            var org = new TestOrg("leaver");
            var user = org.Role(org.Organization, "user");
            var hal = org.Person("Hal");
            var mia = org.Person("Mia", hal);
            var sol = org.Person("Sol");
            var ann = org.Person("Ann", mia);
            var ben = org.Person("Ben", mia);
            foreach (var person in new[] { hal, ann, ben })
            {
                org.Grant(person, user);
            }
            await org.SaveAsync(portal);
            return new Org(org, hal, mia, sol, ann, ben, user);
        }

        public async Task<int> LaunchAsync(PortalAppFactory portal, Identity namedReviewer)
        {
            var launched = await portal.LaunchCampaignAsync(Test.Definition(d =>
            {
                d.Name = $"{Test.Tag} by {namedReviewer.DisplayName}";
                d.Reviewer = ReviewerRule.Named;
                d.NamedReviewerIds = [namedReviewer.Id];
            }), Test.AdminViewer);
            Assert.True(launched.Ok, launched.Refusal?.Message);
            return launched.Value.CampaignId;
        }
    }

    private static string Csv(Org org, params Identity[] leavers) =>
        string.Join("\n", ["email,name,department,title,manager_email,status,left_date",
            .. org.People.Select(p => $"{p.Email},{p.DisplayName},Sales,Rep,{(p == org.Mia || p == org.Ann || p == org.Ben ? (p == org.Mia ? org.Hal.Email : org.Mia.Email) : "")},{(leavers.Contains(p) ? "left" : "active")},")]);

    internal static async Task<Dictionary<int, ReviewItem>> ItemsByHolderAsync(PortalAppFactory portal, int campaignId)
    {
        await using var db = await portal.CreateDbContextAsync();
        return await db.ReviewItems.AsNoTracking().Where(i => i.CampaignId == campaignId).ToDictionaryAsync(i => i.IdentityId);
    }

    private async Task ImportAsync(string file)
    {
        var result = await _portal.GetRequiredService<ImportPeopleCsv>().ApplyAsync(Admin, new StringReader(file), "people.csv", $"corr-{Guid.NewGuid():N}");
        Assert.True(result.Ok, result.Refusal?.Message);
        Assert.True(result.Value.Applied, string.Join("; ", result.Value.Errors.Select(e => e.ToString())));
    }

    [Fact]
    public async Task CsvImport_ReviewerLeaves_OpenItemsToTheirManager_ItemAboutTheManagerToTheFallback_DecidedStays_Audited()
    {
        var org = await Org.CreateAsync(_portal);
        await ImportAsync(Csv(org));
        var campaign = await org.LaunchAsync(_portal, org.Mia);
        var items = await ItemsByHolderAsync(_portal, campaign);
        Assert.All(items.Values, i => Assert.Equal(org.Mia.Id, i.ReviewerId));
        var decided = await _portal.GetRequiredService<DecideReviewItem>().HandleAsync(TestOrg.Viewer(org.Mia),
            Reviews.TwoTeams.Command(items[org.Ben.Id], DecisionOutcome.Keep, "Ben still needs it."), "test");
        Assert.True(decided.Ok, decided.Refusal?.Message);

        await ImportAsync(Csv(org, org.Mia));

        var after = await ItemsByHolderAsync(_portal, campaign);
        Assert.Equal(org.Hal.Id, after[org.Ann.Id].ReviewerId);
        Assert.Equal(org.Test.Admin.Id, after[org.Hal.Id].ReviewerId);
        Assert.Equal(org.Mia.Id, after[org.Ben.Id].ReviewerId);
        await using var db = await _portal.CreateDbContextAsync();
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(e => e.CampaignId == campaign && e.Action == ReassignLeaverItems.AuditAction).ToListAsync();
        Assert.Equal(new[] { after[org.Ann.Id].Id, after[org.Hal.Id].Id }.Select(id => id.ToString()).Order(), entries.Select(e => e.TargetId).Order());
    }

    [Fact]
    public async Task CsvImport_ReviewerWithoutManagerLeaves_OpenItemsToTheFallback()
    {
        var org = await Org.CreateAsync(_portal);
        await ImportAsync(Csv(org));
        var campaign = await org.LaunchAsync(_portal, org.Sol);

        await ImportAsync(Csv(org, org.Sol));

        var after = await ItemsByHolderAsync(_portal, campaign);
        Assert.Equal(3, after.Count);
        Assert.All(after.Values, i => Assert.Equal(org.Test.Admin.Id, i.ReviewerId));
    }

    [Fact]
    public async Task CsvImport_ReviewerAndTheirManagerLeaveTogether_ItemsToTheFallbackNotTheLeavingManager()
    {
        var org = await Org.CreateAsync(_portal);
        await ImportAsync(Csv(org));
        var campaign = await org.LaunchAsync(_portal, org.Mia);

        await ImportAsync(Csv(org, org.Mia, org.Hal));

        var after = await ItemsByHolderAsync(_portal, campaign);
        Assert.All(after.Values, i => Assert.Equal(org.Test.Admin.Id, i.ReviewerId));
    }
}

/// <summary>The same through the Entra ID people sync: an account disabled in Entra is a leaver.</summary>
public sealed class EntraLeaverReassignmentTests : IAsyncLifetime
{
    private readonly FakeGraph _graph = new();
    private Portal _portal = null!;

    private sealed class Portal(string graphUrl) : PortalAppFactory(seedDemo: false)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            UseSettings(builder, new Dictionary<string, string?> { ["People:Source"] = "EntraId", ["People:Graph:BaseUrl"] = graphUrl });
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<TokenCredential>();
                services.AddSingleton<TokenCredential>(new FakeGraph.Credential());
            });
        }
    }

    public async Task InitializeAsync()
    {
        await _graph.StartAsync();
        _portal = new Portal(_graph.BaseUrl);
    }

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _graph.DisposeAsync();
    }

    [Fact]
    public async Task PeopleSync_ReviewerDisabledInEntra_OpenItemsToTheirManager_NeverToTheSubject()
    {
        var org = await LeaverReassignmentTests.Org.CreateAsync(_portal);
        foreach (var person in org.People)
        {
            _graph.Upsert($"oid-{person.Id}", person.DisplayName, person.Email!, "Sales", "Rep",
                managerId: person == org.Mia ? $"oid-{org.Hal.Id}" : null);
        }
        Assert.Equal(IngestionRunStatus.Succeeded, (await _portal.GetRequiredService<SyncPeopleJob>().RunAsync()).Status);
        var campaign = await org.LaunchAsync(_portal, org.Mia);

        _graph.Upsert($"oid-{org.Mia.Id}", org.Mia.DisplayName, org.Mia.Email!, "Sales", "Rep", managerId: $"oid-{org.Hal.Id}", accountEnabled: false);
        Assert.Equal(IngestionRunStatus.Succeeded, (await _portal.GetRequiredService<SyncPeopleJob>().RunAsync()).Status);

        var after = await LeaverReassignmentTests.ItemsByHolderAsync(_portal, campaign);
        Assert.Equal(org.Hal.Id, after[org.Ann.Id].ReviewerId);
        Assert.Equal(org.Hal.Id, after[org.Ben.Id].ReviewerId);
        Assert.Equal(org.Test.Admin.Id, after[org.Hal.Id].ReviewerId);
        await using var db = await _portal.CreateDbContextAsync();
        Assert.Equal(3, await db.AuditEntries.CountAsync(e => e.CampaignId == campaign && e.Action == ReassignLeaverItems.AuditAction));
    }
}
