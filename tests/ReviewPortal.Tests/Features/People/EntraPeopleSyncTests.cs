using Azure.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Features.People;

namespace ReviewPortal.Tests.Features.People;

/// <summary>
/// The Entra ID people sync through the real Graph SDK against <see cref="FakeGraph"/> over HTTP: a paged and throttled
/// first round, delta rounds that apply only what changed, an expired delta link, and the mass-departure guard.
/// </summary>
public sealed class EntraPeopleSyncTests : IAsyncLifetime
{
    private readonly FakeGraph _graph = new();
    private Portal _portal = null!;

    private sealed class Portal(string graphUrl) : PortalAppFactory(seedDemo: false)
    {
        public const string AlertsTo = "iam-team@northwind.example";

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            var settings = new Dictionary<string, string?>
            {
                ["People:Source"] = "EntraId",
                ["People:Graph:BaseUrl"] = graphUrl,
                ["Email:AdminAlertsTo"] = AlertsTo,
            };
            UseSettings(builder, settings);
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

    private Task<IngestionRun> SyncAsync() => _portal.GetRequiredService<SyncPeopleJob>().RunAsync();

    private async Task<List<DirectoryPerson>> StoredAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        return await db.DirectoryPeople.AsNoTracking().OrderBy(p => p.SourceId).ToListAsync();
    }

    private async Task<string?> DeltaLinkAsync()
    {
        await using var db = await _portal.CreateDbContextAsync();
        return (await db.IngestionCursors.AsNoTracking().SingleOrDefaultAsync(c => c.Name == ApplyPeopleRead.EntraCursor))?.Cursor;
    }

    /// <summary>A small tenant: Maria leads; Bob and Chen report to her, Dana to Bob; Eve has no manager in Entra.</summary>
    private void SeedTenant()
    {
        _graph.Upsert("oid-maria", "Maria Lead", "Maria.Lead@northwind.example", "Engineering", "Director");
        _graph.Upsert("oid-bob", "Bob Builder", "bob@northwind.example", "Engineering", "Engineer", managerId: "oid-maria");
        _graph.Upsert("oid-chen", "Chen Wu", "chen@northwind.example", "Engineering", "Engineer", managerId: "oid-maria");
        _graph.Upsert("oid-dana", "Dana Diaz", "dana@northwind.example", "Engineering", "Intern", managerId: "oid-bob");
        _graph.Upsert("oid-eve", "Eve Evans", "eve@northwind.example", "Finance", "Analyst");
    }

    [Fact]
    public async Task FirstRound_PagedAndThrottled_StoresEveryoneWithTheirManagerAndKeepsTheDeltaLink()
    {
        SeedTenant();
        _graph.ThrottleNext = 1;

        var run = await SyncAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        var people = await StoredAsync();
        Assert.Equal(["oid-bob", "oid-chen", "oid-dana", "oid-eve", "oid-maria"], people.Select(p => p.SourceId));
        var maria = people.Single(p => p.SourceId == "oid-maria");
        Assert.Equal(("maria.lead@northwind.example", "Maria Lead", "Engineering", "Director", null, true),
            (maria.Email, maria.FullName, maria.Department, maria.Title, maria.ManagerSourceId, maria.Employed));
        Assert.Equal("oid-bob", people.Single(p => p.SourceId == "oid-dana").ManagerSourceId);
        // One throttled answer retried after its Retry-After, then three pages of two.
        Assert.Equal(4, _graph.Requests.Count);
        Assert.All(_graph.Authorizations, header => Assert.Equal($"Bearer {FakeGraph.Token}", header));
        Assert.Contains("$deltatoken=5", await DeltaLinkAsync());
        Assert.Equal(5, run.Stored);
    }

    [Fact]
    public async Task NextRound_FromTheDeltaLink_AppliesOnlyWhatChanged()
    {
        SeedTenant();
        await SyncAsync();
        var before = (await StoredAsync()).ToDictionary(p => p.SourceId);
        _portal.Time.Advance(TimeSpan.FromHours(1));
        _graph.Upsert("oid-dana", "Dana Diaz", "dana@northwind.example", "Engineering", "Engineer", managerId: "oid-chen");
        _graph.Upsert("oid-eve", "Eve Evans", "eve@northwind.example", "Finance", "Analyst", accountEnabled: false);
        _graph.Remove("oid-bob");
        var requestsBefore = _graph.Requests.Count;

        var run = await SyncAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        Assert.All(_graph.Requests.Skip(requestsBefore), path => Assert.Contains("$deltatoken=5", path));
        var after = (await StoredAsync()).ToDictionary(p => p.SourceId);
        Assert.Equal(("Engineer", "oid-chen", true), (after["oid-dana"].Title, after["oid-dana"].ManagerSourceId, after["oid-dana"].Employed));
        Assert.Equal((false, _portal.Time.GetUtcNow()), (after["oid-eve"].Employed, after["oid-eve"].LeftAt));
        Assert.Equal((false, _portal.Time.GetUtcNow()), (after["oid-bob"].Employed, after["oid-bob"].LeftAt));
        // Untouched people are not rewritten.
        Assert.Equal(before["oid-maria"].UpdatedAt, after["oid-maria"].UpdatedAt);
        Assert.Equal(before["oid-chen"].UpdatedAt, after["oid-chen"].UpdatedAt);
        Assert.Equal(3, run.Stored);
        Assert.Contains("$deltatoken=8", await DeltaLinkAsync());
    }

    [Fact]
    public async Task ExpiredDeltaLinkAndAnEmptyAnswer_ChangeNothingAuditAndAlertTheAdminsOnce()
    {
        for (var n = 0; n < 12; n++)
        {
            _graph.Upsert($"oid-{n:00}", $"Person {n}", $"person{n}@northwind.example", "Sales", "Rep");
        }
        await SyncAsync();
        var before = await StoredAsync();
        var link = await DeltaLinkAsync();
        _graph.ExpireDeltaLinks = true;
        _graph.AnswerEmpty = true;

        var first = await SyncAsync();
        var second = await SyncAsync();

        Assert.Equal((IngestionRunStatus.Blocked, IngestionRunStatus.Blocked), (first.Status, second.Status));
        Assert.Contains("12 of 12 employed people", first.Error);
        Assert.Equivalent(before, await StoredAsync());
        Assert.Equal(link, await DeltaLinkAsync());
        await using var db = await _portal.CreateDbContextAsync();
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Action == "people.sync-blocked"));
        var alert = Assert.Single(await db.OutboxEmails.Where(m => m.DeduplicationKey.StartsWith(OutboxKeys.AdminAlert)).ToListAsync());
        Assert.Equal(Portal.AlertsTo, alert.To);
        Assert.Contains("12 of 12 people", alert.Subject);
    }
}
